package dev.ferry.support;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./ferry serve} on a fixture's databases, as operators start it, with an HTTP client for its status
 * page and API; every answer is kept so a test can check that none holds a secret. Stopped by SIGTERM on close.
 */
public final class Served implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    public final int port;
    public final Path log;
    private final Process process;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> answers = new ArrayList<>();

    /** Starts serve on a free port with these table routes and extra environment, and waits for /health. */
    public Served(SyncFixture f, Path tablesDir, Map<String, String> extra) throws Exception {
        this(f.pg, f.production, f.development, tablesDir, extra);
    }

    /** Starts serve from database {@code source} to {@code target} of the test server, as above. */
    public Served(TestPostgres pg, String source, String target, Path tablesDir, Map<String, String> extra) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = Files.createTempFile("ferry-serve", ".log");
        ProcessBuilder pb = new ProcessBuilder(new File("ferry").getAbsolutePath(), "serve", "--tables-dir",
                tablesDir.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("FERRY_SOURCE_URL", pg.url(source));
        env.put("FERRY_SOURCE_USER", pg.user());
        env.put("FERRY_SOURCE_PASSWORD", pg.password());
        env.put("FERRY_TARGET_URL", pg.url(target));
        env.put("FERRY_TARGET_USER", pg.user());
        env.put("FERRY_TARGET_PASSWORD", pg.password());
        env.put("FERRY_OWNER_EMAIL", "bob@dev.example");
        env.put("FERRY_HTTP_PORT", String.valueOf(port));
        env.putAll(extra);
        process = pb.start();
        try {
            await("/health", Duration.ofSeconds(90), () -> {
                HttpResponse<String> r = send("GET", "/health", null, null, Map.of());
                return r != null && r.statusCode() == 200;
            });
        } catch (AssertionError e) {
            close();
            throw new AssertionError(e.getMessage() + "; serve printed:\n" + output());
        }
    }

    /** The base URL, {@code http://127.0.0.1:PORT/}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** {@code Authorization: Basic ...} for this user and password. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request; null when the server did not answer. {@code auth} null sends no Authorization. */
    public HttpResponse<String> send(String method, String path, String auth, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            headers.forEach(b::header);
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            synchronized (answers) {
                answers.add(r.headers().map() + "\n" + r.body());
            }
            return r;
        } catch (Exception e) {
            return null;
        }
    }

    /** A GET with these credentials, its body as JSON; fails on any status but 200. */
    public JsonNode getJson(String path, String auth) throws Exception {
        HttpResponse<String> r = send("GET", path, auth, null, Map.of());
        if (r == null || r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + (r == null ? "no answer" : r.statusCode() + " " + r.body()));
        }
        return JSON.readTree(r.body());
    }

    /** A POST of JSON as a script sends it (no Origin). */
    public HttpResponse<String> postJson(String path, String auth, String body) {
        return send("POST", path, auth, body, Map.of("Content-Type", "application/json"));
    }

    /** Every answer so far, headers and body. */
    public String answers() {
        synchronized (answers) {
            return String.join("\n", answers);
        }
    }

    /** What serve printed so far. */
    public String output() throws java.io.IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits for the condition, polling every 200 ms. */
    public static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Waits until run {@code id} is in the ledger with a final status, and returns it. */
    public JsonNode awaitRun(String id, String auth, Duration limit) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await("run " + id + " to end", limit, () -> {
            try {
                last[0] = getJson("/api/runs/" + id, auth);
                return !last[0].path("status").asText().equals("RUNNING") && !last[0].path("finishedAt").isNull();
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }

    /** The process's exit code once stopped. */
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
