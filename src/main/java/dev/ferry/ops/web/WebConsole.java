package dev.ferry.ops.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import dev.ferry.log.Redactor;
import dev.ferry.ops.RunCoordinator;
import dev.ferry.ops.Schedule;
import dev.ferry.db.SqlErrors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page and its JSON API on {@code serve}'s HTTP server (routes/serve/web.camel.yaml): HTTP Basic with
 * FERRY_HTTP_USER / FERRY_HTTP_PASSWORD on every request, state changes by POST only, and for a browser's
 * POST (one with an Origin) the same origin and the page's token. Without a user and password the page
 * answers 403 in one line saying how to enable it, and the API is not served (404).
 */
public final class WebConsole {

    private static final Logger LOG = LoggerFactory.getLogger(WebConsole.class);

    /** The header the page sends its token in. */
    static final String TOKEN_HEADER = "X-Ferry-Token";

    private static final String OFF = "the status page is off: set FERRY_HTTP_USER and FERRY_HTTP_PASSWORD "
            + "(and restart ferry serve) to enable it\n";

    private final RunCoordinator coordinator;
    private final Schedule schedule;
    /** The page's token: random per process, given only to an authenticated page. */
    private final String token;
    private volatile BasicAuth auth = new BasicAuth(null, null);
    private volatile StatusApi api;
    private final StatusPage page = new StatusPage();

    /** A console over this coordinator's runs; {@link #attach} it once Ferry has started. */
    public WebConsole(RunCoordinator coordinator, Schedule schedule) {
        this.coordinator = coordinator;
        this.schedule = schedule;
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Serves the API from this target database's ledger, for these table routes, to this user. */
    public void attach(DataSource target, Set<String> tables, String user, String password) {
        Redactor.registerSecret(password);
        this.auth = new BasicAuth(user, password);
        this.api = new StatusApi(coordinator, schedule, target, tables);
    }

    /** Whether the page and API are served (a user and password are configured). */
    public boolean enabled() {
        return auth.configured();
    }

    /** Camel's entry for every route of routes/serve/web.camel.yaml. */
    public void handle(Exchange exchange) {
        Message in = exchange.getMessage();
        Http.Response response;
        try {
            response = answer(in);
        } catch (RuntimeException e) {
            LOG.warn("status page: {} {} failed: {}", in.getHeader(Exchange.HTTP_METHOD), path(in),
                    Redactor.redact(SqlErrors.message(e)));
            response = Http.Response.error(500, Redactor.redact(SqlErrors.message(e)));
        }
        // nothing of the request (its Authorization header above all) goes back as a response header
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        in.setHeader(Exchange.CONTENT_TYPE, response.contentType());
        in.setHeader("Cache-Control", "no-store");
        in.setHeader("X-Content-Type-Options", "nosniff");
        in.setHeader("X-Frame-Options", "DENY");
        in.setHeader("Referrer-Policy", "no-referrer");
        in.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        response.headers().forEach(in::setHeader);
        in.setBody(response.body());
    }

    private Http.Response answer(Message in) {
        String method = String.valueOf(in.getHeader(Exchange.HTTP_METHOD)).toUpperCase(Locale.ROOT);
        String path = path(in);
        boolean isApi = path.equals("/api") || path.startsWith("/api/");
        BasicAuth a = auth;
        if (!a.configured()) {
            return isApi ? Http.Response.text(404, "not found\n") : Http.Response.text(403, OFF);
        }
        String user = a.check(in.getHeader("Authorization", String.class));
        if (user == null) {
            return Http.Response.text(401, "authentication required\n").with("WWW-Authenticate", BasicAuth.CHALLENGE);
        }
        StatusApi service = api;
        if (service == null) {
            return Http.Response.text(503, "Ferry is still starting\n").with("Retry-After", "2");
        }
        if (method.equals("POST")) {
            Http.Response refused = refusedPost(in);
            if (refused != null) {
                return refused;
            }
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            return Http.Response.text(405, "use GET to read and POST to act\n").with("Allow", "GET, HEAD, POST");
        }
        if (!isApi) {
            return method.equals("POST") ? Http.Response.text(405, "the page is read with GET\n").with("Allow", "GET, HEAD")
                    : page.serve(path, token);
        }
        String body = method.equals("POST") ? in.getBody(String.class) : null;
        Http.Request request = new Http.Request(method, path, Http.query(in.getHeader(Exchange.HTTP_QUERY, String.class)),
                body, "http:" + user);
        return service.answer(request);
    }

    /**
     * A POST must say {@code Content-Type: application/json} (a form of another site cannot), must not come
     * from another site (Origin, Sec-Fetch-Site), and when a browser sends it (it has an Origin), must carry
     * the page's token. Scripts (curl, CI) send no Origin and need no token. Null when the POST may go on.
     */
    private Http.Response refusedPost(Message in) {
        String type = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return Http.Response.error(415, "send the request as JSON (Content-Type: application/json)");
        }
        String site = in.getHeader("Sec-Fetch-Site", String.class);
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Http.Response.error(403, "a request from another site is refused");
        }
        String origin = in.getHeader("Origin", String.class);
        if (origin == null) {
            return null;
        }
        if (!sameOrigin(origin, in.getHeader("Host", String.class))) {
            return Http.Response.error(403, "a request from another site is refused");
        }
        String sent = in.getHeader(TOKEN_HEADER, String.class);
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return Http.Response.error(403, "the page's token is missing or out of date: reload the page");
        }
        return null;
    }

    /** Whether the Origin names the host the request was sent to (any scheme: TLS may end at a proxy). */
    static boolean sameOrigin(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            if (o.getHost() == null) {
                return false;
            }
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            String h = host.trim().toLowerCase(Locale.ROOT);
            String withoutDefault = h.endsWith(":80") || h.endsWith(":443") ? h.substring(0, h.lastIndexOf(':')) : h;
            String a = authority.toLowerCase(Locale.ROOT);
            return a.equals(h) || a.equals(withoutDefault);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The request's path without its query. */
    private static String path(Message in) {
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null) {
            uri = in.getHeader(Exchange.HTTP_PATH, String.class);
        }
        if (uri == null) {
            return "/";
        }
        int q = uri.indexOf('?');
        String p = q >= 0 ? uri.substring(0, q) : uri;
        if (p.startsWith("http://") || p.startsWith("https://")) {
            p = URI.create(p).getPath();
        }
        return p.isEmpty() ? "/" : p;
    }
}
