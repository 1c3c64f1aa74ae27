package io.fulcrum.dataplane.peers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The nodes of one HA group as {@code --peers} lists them: {@code ID=IP:PORT,...}, the same line on
 * every node (as HAProxy's peers section). This node's own entry is the address it accepts its peers
 * on; it talks to every other one. Addresses are IP literals, so no resolver is needed at start.
 */
public record PeerGroup(Peer self, List<Peer> others) {
    public static final int MAX_PEERS = 16;

    /** One node of the group: the node id its certificate names, and where it accepts peers. */
    public record Peer(String nodeId, InetSocketAddress address) {
        @Override
        public String toString() {
            return nodeId + "=" + address.getAddress().getHostAddress() + ":" + address.getPort();
        }
    }

    public Set<String> otherIds() {
        Set<String> ids = new HashSet<>();
        others.forEach(peer -> ids.add(peer.nodeId()));
        return ids;
    }

    public static PeerGroup parse(String text, String selfId) {
        String[] items = text.split(",", -1);
        if (items.length > MAX_PEERS) {
            throw new IllegalArgumentException("--peers lists " + items.length + " nodes (at most " + MAX_PEERS + ")");
        }
        Peer self = null;
        List<Peer> others = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<InetSocketAddress> addresses = new HashSet<>();
        for (String item : items) {
            Peer peer = peer(item);
            if (!ids.add(peer.nodeId())) {
                throw new IllegalArgumentException("--peers names the node '" + peer.nodeId() + "' twice");
            }
            if (!addresses.add(peer.address())) {
                throw new IllegalArgumentException("--peers gives the address of '" + peer.nodeId() + "' twice");
            }
            if (peer.nodeId().equals(selfId)) {
                self = peer;
            } else {
                others.add(peer);
            }
        }
        if (self == null) {
            throw new IllegalArgumentException("--peers does not list this node ('" + selfId
                    + "'): its own entry is the address it accepts its peers on");
        }
        if (others.isEmpty()) {
            throw new IllegalArgumentException("--peers lists no node but this one");
        }
        return new PeerGroup(self, List.copyOf(others));
    }

    private static Peer peer(String item) {
        int eq = item.indexOf('=');
        int colon = item.lastIndexOf(':');
        if (eq <= 0 || colon <= eq + 1 || !item.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--peers entry '" + item + "' (expected ID=IP:PORT, e.g. node-b=198.18.0.12:7778)");
        }
        String id = item.substring(0, eq);
        if (!id.matches("[!-~&&[^=,]]{1,253}")) {
            throw new IllegalArgumentException("--peers node id '" + id + "' (printable ASCII without = or ,; at most 253, as the control plane takes them)");
        }
        int port = Integer.parseInt(item.substring(colon + 1));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--peers port in '" + item + "' (expected 1..65535)");
        }
        String host = item.substring(eq + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.matches("[0-9.]{7,15}|[0-9A-Fa-f:]{2,39}")) {
            throw new IllegalArgumentException("--peers address in '" + item + "' (expected an IP address, not a name)");
        }
        try {
            return new Peer(id, new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--peers address in '" + item + "' (expected an IP address)");
        }
    }
}
