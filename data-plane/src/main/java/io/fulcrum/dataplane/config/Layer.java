package io.fulcrum.dataplane.config;

/** Whether a virtual service proxies connections (layer 7) or forwards packets/flows (layer 4). */
public enum Layer {
    LAYER_4,
    LAYER_7
}
