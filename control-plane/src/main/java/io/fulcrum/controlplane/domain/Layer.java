package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** Layer 7 proxies each TCP connection (SNAT); layer 4 forwards packets (SNAT UDP or TCP). */
public enum Layer {
    LAYER_7(7),
    LAYER_4(4);

    private final int number;

    Layer(int number) {
        this.number = number;
    }

    /** Written as the number 7 or 4 in JSON. */
    @JsonValue
    public int number() {
        return number;
    }

    public static Optional<Layer> of(int number) {
        for (Layer layer : values()) {
            if (layer.number == number) {
                return Optional.of(layer);
            }
        }
        return Optional.empty();
    }

    public static Layer stored(int number) {
        return of(number).orElseThrow(() -> new IllegalStateException("stored layer " + number + " is not 7 or 4"));
    }
}
