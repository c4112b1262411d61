package graphcrm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * A Neo4j 5.26 Community server for development and tests: the embedded database
 * with its Bolt connector on 127.0.0.1, authentication off.
 *
 * <p>Usage: {@code Neo4jServer DATA_DIR [PORT]}. DATA_DIR is the server's home (Neo4j
 * keeps {@code data/} and {@code logs/} in it); PORT 0 or none picks a free port.
 * Once a Bolt handshake on the port succeeds, the server writes {@code DATA_DIR/neo4j.url}
 * (the Bolt URL) and {@code DATA_DIR/neo4j.pid}, then prints the URL as its last line.
 * SIGTERM shuts the database down cleanly and removes both files.
 */
public final class Neo4jServer {
    private static final String HOST = "127.0.0.1";
    /** Page cache for the store files: the test graphs are small, and the machine also runs FalkorDB and Chromium. */
    private static final long PAGE_CACHE = ByteUnit.mebiBytes(256);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Bolt's waits at shutdown (5 s each by default: stopping took 13 s, 3 s with these). */
    private static final Duration BOLT_SHUTDOWN_WAIT = Duration.ofSeconds(1);

    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Neo4jServer DATA_DIR [PORT]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
        if (port == 0) {
            port = freePort();
        }
        Files.createDirectories(home);
        Path urlFile = home.resolve("neo4j.url");
        Path pidFile = home.resolve("neo4j.pid");

        DatabaseManagementService dbms = build(home, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            deleteQuietly(urlFile);
            deleteQuietly(pidFile);
        }, "neo4j-shutdown"));

        String url = "bolt://" + HOST + ":" + port;
        awaitBolt(port);
        writeAtomically(pidFile, Long.toString(ProcessHandle.current().pid()));
        writeAtomically(urlFile, url);
        System.out.println(url);
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM runs the shutdown hook
    }

    private static DatabaseManagementService build(Path home, int port) {
        SocketAddress bolt = new SocketAddress(HOST, port);
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, BOLT_SHUTDOWN_WAIT)
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, BOLT_SHUTDOWN_WAIT)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, BOLT_SHUTDOWN_WAIT)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, PAGE_CACHE)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Keep only the newest transaction log: the tests write and clear many small graphs.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .build();
    }

    /** Wait until the port answers a Bolt handshake with a protocol version, not just a TCP connect. */
    private static void awaitBolt(int port) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (boltVersion(port) != 0) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Bolt on " + HOST + ":" + port + " did not answer within " + READY_TIMEOUT, last);
    }

    private static int boltVersion(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            // Magic preamble, then four proposals: 5.8 down to 5.0, 4.4, none, none.
            out.write(new byte[] {
                0x60, 0x60, (byte) 0xB0, 0x17,
                0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0});
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] agreed = in.readNBytes(4);
            if (agreed.length < 4) {
                throw new IOException("handshake closed early");
            }
            return ((agreed[2] & 0xff) << 8) | (agreed[3] & 0xff);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the run script treats a pid file whose process is gone as stale
        }
    }
}
