package io.tidemark.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/** Port checks made before anything starts, so a taken port is reported by name instead of as a server crash. */
final class Ports {

    private Ports() {
    }

    /** Fails with one message naming every taken port, what it was meant for and the variable that moves it. */
    static void requireFree(Map<String, Integer> portsByUse) {
        Map<String, Integer> taken = new LinkedHashMap<>();
        portsByUse.forEach((use, port) -> {
            if (!isFree(port)) {
                taken.put(use, port);
            }
        });
        if (!taken.isEmpty()) {
            StringBuilder message = new StringBuilder("cannot start: ");
            taken.forEach((use, port) -> message.append("port ").append(port).append(" (").append(use).append(") is taken; "));
            message.append("stop what uses it, or choose other ports with SOURCE_DB_PORT, TARGET_DB_PORT,"
                    + " TIDEMARK_KAFKA_PORT, TIDEMARK_CONTROLLER_PORT, TIDEMARK_CONNECT_PORT");
            throw new StackException(message.toString());
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port nothing listens on right now, for tests that run a stack next to a user's. */
    static int ephemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("no free port: " + e.getMessage(), e);
        }
    }
}
