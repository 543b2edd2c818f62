package io.recstream.jobs.events;

/** How a recommendation was made. */
public enum Strategy {
    /** Scored by the ONNX model (possibly filled from popular items when too few remained). */
    MODEL,
    /** Cold user: popular items. */
    POPULAR,
    /** The inference deadline passed (or the model failed): popular items instead. */
    DEADLINE_FALLBACK
}
