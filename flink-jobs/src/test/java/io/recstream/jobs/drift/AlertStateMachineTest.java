package io.recstream.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.AlertState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert state machine on scripted value sequences, one value per window (windows 10 apart). */
class AlertStateMachineTest {

    private static final AlertRule RULE = new AlertRule(0.5, 0.2, 2, 3, 40, 10);

    /** Runs the values; returns "window:STATE" for every transition. */
    private static List<String> run(double... values) {
        AlertStatus status = new AlertStatus();
        List<String> out = new ArrayList<>();
        for (int w = 0; w < values.length; w++) {
            AlertStateMachine.Transition t =
                    AlertStateMachine.step(status, RULE, values[w], 100, (w + 1) * 10L);
            if (t != null) {
                out.add(w + ":" + t.state() + "x" + t.consecutiveWindows());
            }
        }
        return out;
    }

    @Test
    void firesAfterNConsecutiveWindowsAboveEnter() {
        assertThat(run(0.1, 0.6, 0.7, 0.8)).containsExactly("2:FIRINGx2");
    }

    @Test
    void aSingleSpikeDoesNotFire() {
        assertThat(run(0.1, 0.9, 0.1, 0.9, 0.1)).isEmpty();
    }

    @Test
    void holdsWhileBetweenExitAndEnterAndResolvesAfterMWindowsBelowExit() {
        assertThat(run(0.6, 0.6, 0.3, 0.3, 0.1, 0.1, 0.3, 0.1, 0.1, 0.1))
                .containsExactly("1:FIRINGx2", "9:RESOLVEDx3");
    }

    @Test
    void flappingAroundTheEnterThresholdDoesNotFlap() {
        // hovering around 0.5: above, below, above, below... never two in a row above
        assertThat(run(0.51, 0.49, 0.51, 0.49, 0.51, 0.49)).isEmpty();
        // once firing, dips between exit and enter keep it firing
        assertThat(run(0.6, 0.6, 0.45, 0.55, 0.45, 0.55, 0.45)).containsExactly("1:FIRINGx2");
    }

    @Test
    void cooldownDelaysTheNextFiring() {
        // FIRING at w1, RESOLVED at w4 (end 50), cooldown 40: no FIRING for windows ending before
        // 90
        List<String> out = run(0.6, 0.6, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9);
        assertThat(out).containsExactly("1:FIRINGx2", "4:RESOLVEDx3", "8:FIRINGx4");
    }

    @Test
    void smallWindowsAndRepeatedWindowsDoNotMoveTheState() {
        AlertStatus status = new AlertStatus();
        assertThat(AlertStateMachine.step(status, RULE, 0.9, 5, 10)).isNull();
        assertThat(AlertStateMachine.step(status, RULE, 0.9, 5, 20)).isNull();
        assertThat(status.above).isZero();
        assertThat(AlertStateMachine.step(status, RULE, 0.9, 100, 30)).isNull();
        assertThat(AlertStateMachine.step(status, RULE, 0.9, 100, 30))
                .as("same window again")
                .isNull();
        assertThat(AlertStateMachine.step(status, RULE, 0.9, 100, 40).state())
                .isEqualTo(AlertState.FIRING);
    }
}
