package io.trainyard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small real-HTTP client for the integration tests: JSON in, status and JSON out. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    /** The admin key every test context is configured with (src/test/resources/config/application.properties). */
    public static final String ADMIN_KEY = "ty_integration-tests-admin-key-not-a-secret-0123456789";

    private final String base;
    private final Duration timeout;
    private final String key;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    /** A client that sends the tests' admin key. */
    public Http(int port) {
        this(port, ADMIN_KEY, Duration.ofSeconds(60));
    }

    /** A client whose every request fails after {@code timeout}: a hang becomes a test failure. */
    public Http(int port, Duration timeout) {
        this(port, ADMIN_KEY, timeout);
    }

    /** A client that sends {@code key} as a bearer token, or no Authorization header when it is null. */
    public Http(int port, String key) {
        this(port, key, Duration.ofSeconds(60));
    }

    private Http(int port, String key, Duration timeout) {
        this.base = "http://localhost:" + port;
        this.key = key;
        this.timeout = timeout;
    }

    /** The key this client sends (null: none), for requests written by hand. */
    public String key() {
        return key;
    }

    /** The same server with another key (null: none). */
    public Http as(String otherKey) {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey, timeout);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().header("Accept", "*/*"));
    }

    public Response get(String path, String accept) {
        return send(HttpRequest.newBuilder(uri(path)).GET().header("Accept", accept));
    }

    public Response post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends {@code body} byte for byte: for bodies that are not text in any charset. */
    public Response post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** {@code method} with {@code body} sent byte for byte. */
    public Response send(String method, String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response post(String path, Object body) {
        return post(path, JSON.writeValueAsString(body));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Response send(String method, String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Reads a Server-Sent Events stream to its end: each event as {name, data}. */
    public java.util.List<String[]> events(String path) {
        return events(path, () -> {});
    }

    /** Reads a Server-Sent Events stream to its end, running {@code onFirstEvent} once the first event is in. */
    public java.util.List<String[]> events(String path, Runnable onFirstEvent) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = client.send(
                    authorized(HttpRequest.newBuilder(uri(path))
                                    .header("Accept", "text/event-stream")
                                    .timeout(Duration.ofSeconds(120))
                                    .GET())
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            java.util.List<String[]> events = new java.util.ArrayList<>();
            String[] current = {"message", null};
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.startsWith("event:")) {
                    current[0] = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    current[1] = current[1] == null ? line.substring(5) : current[1] + "\n" + line.substring(5);
                } else if (line.isEmpty() && current[1] != null) {
                    events.add(new String[] {current[0], current[1]});
                    if (events.size() == 1) {
                        onFirstEvent.run();
                    }
                    current = new String[] {"message", null};
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    /**
     * Sends {@code method target HTTP/1.0} byte for byte over a plain socket, with this client's key:
     * for request targets {@link URI} refuses (a '%' that is no escape) and so {@link HttpClient} cannot
     * send. HTTP/1.0, so the answer ends with the connection instead of coming in chunks.
     */
    public Response raw(String method, String target) {
        return raw(method, target, key == null ? new String[0] : new String[] {"Authorization: Bearer " + key});
    }

    /**
     * As {@link #raw(String, String)}, with exactly the given header lines (each {@code Name: value},
     * sent as ISO-8859-1 bytes) and no key of this client's.
     */
    public Response raw(String method, String target, String... headerLines) {
        URI server = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout((int) timeout.toMillis());
            StringBuilder request =
                    new StringBuilder(method).append(' ').append(target).append(" HTTP/1.0\r\nHost: localhost\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] head = text.substring(0, end).split("\r\n");
            java.util.Map<String, java.util.List<String>> headers =
                    new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.computeIfAbsent(head[i].substring(0, colon).trim(), k -> new java.util.ArrayList<>())
                        .add(head[i].substring(colon + 1).trim());
            }
            java.net.http.HttpHeaders all = java.net.http.HttpHeaders.of(headers, (name, value) -> true);
            return new Response(
                    Integer.parseInt(head[0].split(" ")[1]),
                    all.firstValue("Content-Type").orElse(""),
                    all,
                    java.util.Arrays.copyOfRange(answer, end + 4, answer.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request built by the caller (extra headers such as Idempotency-Key), with this client's key. */
    public Response send(HttpRequest.Builder request) {
        return sendRaw(request);
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    private Response sendRaw(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response =
                    client.send(authorized(request).timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers(),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response; {@link #json()} parses the body. */
    public record Response(int status, String contentType, java.net.http.HttpHeaders headers, byte[] body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** Asserts the status and returns the JSON body. */
        public JsonNode expect(int expected) {
            assertThat(status).as("HTTP status; body: %s", text()).isEqualTo(expected);
            return body.length == 0 ? null : json();
        }
    }
}
