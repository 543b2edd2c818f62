package io.recstream.training;

/**
 * One interaction read for training or replay.
 *
 * @param key where it came from: {@code <file name>:<line>} (the header is line 1)
 * @param userId user
 * @param itemId item
 * @param time event time, epoch ms
 * @param value optional strength (rating); NaN when absent
 */
public record TrainingEvent(String key, String userId, String itemId, long time, double value) {}
