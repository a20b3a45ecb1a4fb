package io.trainyard.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.commons.math3.linear.RealMatrix;

/**
 * The intermediate matrices of one forward pass, keyed as in the homework: {@code A0 = IN0 = X},
 * then {@code IN1, A1, …} for every hidden layer. The network's output is {@link #output()}.
 */
public final class ForwardCache {

    private final Map<String, RealMatrix> entries;
    private final RealMatrix output;

    ForwardCache(Map<String, RealMatrix> entries, RealMatrix output) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.output = output;
    }

    /**
     * The matrix under {@code key} ({@code "A0"}, {@code "IN2"}, …).
     *
     * @throws IllegalArgumentException for a key this network does not have
     */
    public RealMatrix get(String key) {
        RealMatrix m = entries.get(key);
        if (m == null) {
            throw new IllegalArgumentException("no cache entry '" + key + "'; this network has " + entries.keySet());
        }
        return m;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** {@code Ŷ}, the linear output layer. */
    public RealMatrix output() {
        return output;
    }
}
