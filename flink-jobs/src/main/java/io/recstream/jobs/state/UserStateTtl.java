package io.recstream.jobs.state;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/**
 * The processing-time TTL of per-user state: refreshed on every write, never returning an expired
 * value. A user who goes quiet costs nothing once it expires.
 */
public final class UserStateTtl {
    private UserStateTtl() {}

    public static StateTtlConfig of(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build();
    }
}
