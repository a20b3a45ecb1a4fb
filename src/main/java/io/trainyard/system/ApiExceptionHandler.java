package io.trainyard.system;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.RequestDispatcher;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.NestedRuntimeException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where exceptions become HTTP answers: every 4xx and 5xx is an RFC 9457
 * {@code application/problem+json} body with a stable {@code type}, a fixed {@code title} per type,
 * a {@code detail} that tells the user what to fix, and for bad input an {@code errors} array of
 * {@code {field, message}}.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /** The features' ranges of their whole-number body fields, read when a number does not fit one. */
    private final ObjectProvider<WholeNumberRanges> ranges;

    ApiExceptionHandler(ObjectProvider<WholeNumberRanges> ranges) {
        this.ranges = ranges;
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Object> invalid(InvalidRequestException ex) {
        return invalidRequest(ex, new HttpHeaders());
    }

    /** Every 400 with an {@code errors} list goes through here: at most 20 entries, then how many more. */
    private static ResponseEntity<Object> invalidRequest(InvalidRequestException ex, HttpHeaders headers) {
        ResponseEntity<Object> answer = problem(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.INVALID_REQUEST,
                "Invalid request",
                ex.getMessage(),
                ex.errors(),
                headers);
        if (ex.omitted() > 0 && answer.getBody() instanceof ProblemDetail detail) {
            detail.setProperty("moreErrors", ex.omitted());
        }
        return answer;
    }

    /**
     * Bean Validation on a controller's parameters (e.g. {@code height} below its {@code @Min}) when
     * it is raised by the method-validation proxy rather than by Spring MVC itself: still bad input.
     */
    @ExceptionHandler(jakarta.validation.ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(jakarta.validation.ConstraintViolationException ex) {
        List<FieldError> errors = new ArrayList<>();
        for (jakarta.validation.ConstraintViolation<?> violation : ex.getConstraintViolations()) {
            String path = violation.getPropertyPath().toString();
            errors.add(new FieldError(path.substring(path.lastIndexOf('.') + 1), violation.getMessage()));
        }
        errors.sort(java.util.Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        return invalidRequest(new InvalidRequestException(errors), new HttpHeaders());
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException ex) {
        return problem(
                HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "Not found", ex.getMessage(), null, new HttpHeaders());
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Object> conflict(ConflictException ex) {
        return problem(
                HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Conflict", ex.getMessage(), null, new HttpHeaders());
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<Object> queueFull(QueueFullException ex) {
        HttpHeaders headers = retryAfter(ex.retryAfter());
        return problem(
                HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.QUEUE_FULL, "Queue full", ex.getMessage(), null, headers);
    }

    @ExceptionHandler(TooManyRequestsException.class)
    ResponseEntity<Object> tooMany(TooManyRequestsException ex) {
        HttpHeaders headers = retryAfter(ex.retryAfter());
        return problem(HttpStatus.TOO_MANY_REQUESTS, ex.type(), ex.title(), ex.getMessage(), null, headers);
    }

    @ExceptionHandler(ServiceBusyException.class)
    ResponseEntity<Object> busy(ServiceBusyException ex) {
        HttpHeaders headers = retryAfter(ex.retryAfter());
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProblemTypes.SERVICE_UNAVAILABLE,
                "Service unavailable",
                ex.getMessage(),
                null,
                headers);
    }

    @ExceptionHandler(QuotaExceededException.class)
    ResponseEntity<Object> quota(QuotaExceededException ex) {
        ResponseEntity<Object> answer = problem(
                HttpStatus.FORBIDDEN,
                ProblemTypes.QUOTA_EXCEEDED,
                "Quota exceeded",
                ex.getMessage(),
                null,
                new HttpHeaders());
        ((ProblemDetail) answer.getBody()).setProperty("usage", ex.usage());
        ((ProblemDetail) answer.getBody()).setProperty("quota", ex.quota());
        return answer;
    }

    @ExceptionHandler(IdempotencyException.class)
    ResponseEntity<Object> idempotency(IdempotencyException ex) {
        return ex.inFlight()
                ? problem(
                        HttpStatus.CONFLICT,
                        ProblemTypes.IDEMPOTENCY_KEY_IN_FLIGHT,
                        "Request in progress",
                        ex.getMessage(),
                        null,
                        new HttpHeaders())
                : problem(
                        HttpStatus.UNPROCESSABLE_CONTENT,
                        ProblemTypes.IDEMPOTENCY_KEY_REUSED,
                        "Idempotency key reused",
                        ex.getMessage(),
                        null,
                        new HttpHeaders());
    }

    /** A missing, unknown or revoked key (Spring Security's entry point hands it here). */
    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<Object> unauthorized(AuthenticationException ex) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return problem(
                HttpStatus.UNAUTHORIZED, ProblemTypes.UNAUTHORIZED, "Unauthorized", ex.getMessage(), null, headers);
    }

    /** A key without the role the endpoint needs (Spring Security's access-denied handler hands it here). */
    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> forbidden(AccessDeniedException ex) {
        return problem(
                HttpStatus.FORBIDDEN,
                ProblemTypes.FORBIDDEN,
                "Forbidden",
                "This key's role may not do this; it needs an admin key.",
                null,
                new HttpHeaders());
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Object> tooLarge(PayloadTooLargeException ex) {
        return problem(
                HttpStatus.CONTENT_TOO_LARGE,
                ProblemTypes.PAYLOAD_TOO_LARGE,
                "Payload too large",
                ex.getMessage(),
                null,
                new HttpHeaders());
    }

    /**
     * Not answered: the response is already under way, so it is rethrown for the servlet container to
     * cut the connection (see {@link ResponseCutShortException}); writing a problem here would append
     * JSON to a half-sent body.
     */
    @ExceptionHandler(ResponseCutShortException.class)
    void cutShort(ResponseCutShortException ex) throws ResponseCutShortException {
        log.warn("Response cut short: {}", ex.getMessage());
        throw ex;
    }

    /**
     * A body the container could not read as HTTP, such as a chunk header that is not hexadecimal: the
     * client's fault, told as such (it reached the advice as an unexpected error before).
     */
    @ExceptionHandler(org.apache.coyote.BadRequestException.class)
    ResponseEntity<Object> unreadableBody(org.apache.coyote.BadRequestException ex) {
        return problem(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.INVALID_REQUEST,
                "Invalid request",
                "The request body could not be read: " + ex.getMessage() + ".",
                null,
                new HttpHeaders());
    }

    /**
     * A body that ended before its declared length: the client closed the connection while sending
     * (or its proxy cut it). Nothing went wrong here, so it is no incident with a stack trace; the
     * answer is for the rare client that is still listening.
     */
    @ExceptionHandler(java.io.EOFException.class)
    ResponseEntity<Object> bodyEndedEarly(java.io.EOFException ex) {
        log.info("A request body ended before its declared end: the client stopped sending it");
        return problem(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MALFORMED_JSON,
                "Incomplete body",
                "The request body ended before its declared length: the connection was closed while it was sent.",
                null,
                new HttpHeaders());
    }

    /**
     * A body that arrived too slowly or stalled ({@link RequestSizeLimitFilter}): the client is slow or
     * holding the request open on purpose, nothing failed here, so one line in the log and a 408. The
     * container closes the connection after a 408, so the unread rest of the body is not waited for.
     */
    @ExceptionHandler(RequestSizeLimitFilter.TooSlowException.class)
    ResponseEntity<Object> bodyTooSlow(RequestSizeLimitFilter.TooSlowException ex) {
        log.info("Request body too slow: {}", ex.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONNECTION, "close");
        return problem(
                HttpStatus.REQUEST_TIMEOUT,
                ProblemTypes.REQUEST_TIMEOUT,
                "Request timeout",
                ex.getMessage(),
                null,
                headers);
    }

    /**
     * Tomcat's own reaction to a body read that its read timeout ended: it asks for a 408 and the error
     * dispatch raises the timeout again ({@link ErrorDispatchController}); the same answer as above.
     */
    @ExceptionHandler(java.net.SocketTimeoutException.class)
    ResponseEntity<Object> bodyStalled(java.net.SocketTimeoutException ex) {
        return bodyTooSlow(new RequestSizeLimitFilter.TooSlowException("The request body stopped arriving: nothing "
                + "came for the server's read timeout (server.tomcat.connection-timeout); send it at once."));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex) {
        String expected = ex.getRequiredType() == null ? "another type" : describe(ex.getRequiredType());
        String message = "'" + ex.getValue() + "' is not " + expected;
        if (isWhole(ex.getRequiredType())
                && ex.getValue() instanceof String given
                && WHOLE_NUMBER.matcher(given.strip()).matches()) {
            // ?limit=2147483648 is a whole number, only one the parameter cannot hold: "is not a whole
            // number" sent the client looking for a typo. Say the range the parameter takes: its own
            // @Min/@Max, else its type's, which for a query parameter is the bound (none larger fits).
            boolean wide = ex.getRequiredType() == Long.class || ex.getRequiredType() == long.class;
            message = WholeNumberRange.beyond(
                    given,
                    WholeNumberRange.declaredOn(ex.getParameter().getParameter(), WholeNumberRange.ofJavaType(wide)));
        }
        return invalidRequest(new InvalidRequestException(ex.getName(), message), new HttpHeaders());
    }

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

    /**
     * A query string the servlet container cannot decode (a '%' not followed by two hex digits, escapes
     * that are not UTF-8): Tomcat throws when the first parameter is read, which may be while a handler
     * is chosen. The parameter's name and value are not echoed: Tomcat's own text says they may be
     * corrupted.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> undecodableQuery(InvalidParameterException ex) {
        String tomcat = ex.getMessage() == null ? "" : ex.getMessage();
        // Tomcat refuses too many parameters with the same exception; saying "cannot be decoded" then
        // sent the client looking for a bad escape that is not there.
        String message = tomcat.startsWith("More than the maximum number of request parameters")
                ? "the query string has more parameters than the server takes (Tomcat's maxParameterCount); send fewer"
                : "the query string cannot be decoded: every '%' must start an escape of two hex digits "
                        + "(%25 for '%' itself), the escaped bytes must be UTF-8, and every parameter needs a "
                        + "name ('?=x' has none)";
        return invalidRequest(new InvalidRequestException("query", message), new HttpHeaders());
    }

    /**
     * The database cannot be reached (PostgreSQL stopped or cut off, the pool's wait for a connection ran
     * out; in a read, or when a transaction starts): nothing is wrong with the request, so a 503 that says to come back, logged in one line
     * rather than as an incident with a stack trace per request while the outage lasts.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, CannotCreateTransactionException.class})
    ResponseEntity<Object> databaseUnavailable(NestedRuntimeException ex) {
        return unavailable(ex);
    }

    /**
     * The same for every failure {@link DatabaseFailures#isTransient} tells from a bug, whatever Spring
     * made of it: H2's write failure on a full disk ("General error" 50000 around "Writing to … failed")
     * is an {@code UncategorizedSQLException}, and was a 500 incident, from a read as much as a write
     * (audit: {@code GET /jobs/{id}}, and the key look-up of every request).
     */
    private static ResponseEntity<Object> unavailable(Exception ex) {
        boolean storage = DatabaseFailures.isStorageFailure(ex);
        log.warn(
                storage ? "Database cannot write its file: {}" : "Database unavailable: {}",
                NestedExceptionUtils.getMostSpecificCause(ex).toString());
        // Room on a disk comes back when someone makes it: not within a few seconds.
        HttpHeaders headers = retryAfter(Duration.ofSeconds(storage ? 30 : 5));
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProblemTypes.SERVICE_UNAVAILABLE,
                "Service unavailable",
                storage
                        ? "The database cannot store anything at the moment (a write to its disk failed, "
                                + "which may be full, and it closed itself); try again later."
                        : "The database cannot be reached at the moment; try again in a few seconds.",
                null,
                headers);
    }

    /**
     * The disk that holds the embedded database is nearly full: a request that would store something is
     * refused before it does (503, not 507: see {@link InsufficientStorageException}).
     */
    @ExceptionHandler(InsufficientStorageException.class)
    ResponseEntity<Object> insufficientStorage(InsufficientStorageException ex) {
        ResponseEntity<Object> answer = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProblemTypes.INSUFFICIENT_STORAGE,
                "Insufficient storage",
                ex.getMessage(),
                null,
                retryAfter(ex.retryAfter()));
        ((ProblemDetail) answer.getBody()).setProperty("freeBytes", ex.freeBytes());
        ((ProblemDetail) answer.getBody()).setProperty("minFreeBytes", ex.minFreeBytes());
        return answer;
    }

    /** Anything unexpected: logged with an id the user can quote, and nothing internal in the answer. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex) {
        if (DatabaseFailures.isTransient(ex)) {
            return unavailable(ex);
        }
        String incident = UUID.randomUUID().toString();
        log.error("Unexpected error, incident {}", incident, ex);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                ProblemTypes.INTERNAL,
                "Internal error",
                "Something went wrong on our side; it has been logged as incident " + incident + ".",
                null,
                new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        ex.getBindingResult()
                .getFieldErrors()
                .forEach(e -> errors.add(new FieldError(e.getField(), e.getDefaultMessage())));
        ex.getBindingResult()
                .getGlobalErrors()
                .forEach(e -> errors.add(new FieldError(e.getObjectName(), e.getDefaultMessage())));
        return invalidRequest(new InvalidRequestException(errors), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        for (ParameterValidationResult result : ex.getParameterValidationResults()) {
            String name = result.getMethodParameter().getParameterName();
            result.getResolvableErrors().forEach(e -> errors.add(new FieldError(name, e.getDefaultMessage())));
        }
        return invalidRequest(new InvalidRequestException(errors), headers);
    }

    /** A required query parameter left out: the same 400 with an {@code errors} entry as any other bad field. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        return invalidRequest(
                new InvalidRequestException(
                        ex.getParameterName(), "is required: add ?" + ex.getParameterName() + "=… to the URL"),
                headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimitFilter.TooLargeException tooLarge) {
                return tooLarge(new PayloadTooLargeException(tooLarge.getMessage()));
            }
            if (cause instanceof RequestSizeLimitFilter.TooSlowException tooSlow) {
                return bodyTooSlow(tooSlow);
            }
        }
        FieldError error =
                describe(ex.getMostSpecificCause(), ranges.orderedStream().toList());
        if (error.field().isEmpty()) {
            // A problem with the body as a whole (not JSON, not an object, nothing after it allowed) is
            // reported as the services' own checks report one, under the field "body"; the detail stays
            // the sentence.
            return problem(
                    HttpStatus.BAD_REQUEST,
                    ProblemTypes.MALFORMED_JSON,
                    "Malformed request body",
                    error.message(),
                    List.of(new FieldError(BODY, error.message())),
                    headers);
        }
        return problem(
                HttpStatus.BAD_REQUEST,
                ProblemTypes.MALFORMED_JSON,
                "Malformed request body",
                error.field() + ": " + error.message(),
                List.of(error),
                headers);
    }

    /**
     * A path under a static-file mapping with no such file ({@code /dashboard/x.js}), whose "No static
     * resource x." reads as a missing file; API clients asked for an endpoint.
     */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return noEndpoint(ex, "/" + ex.getResourcePath(), headers, status, request);
    }

    /**
     * Nothing the endpoint produces is acceptable: an {@code Accept} that names other types or refuses
     * these with {@code q=0} ({@link AcceptHeaderStrategy}), or a {@code format} the endpoint does not
     * have. Spring's detail listed the types in brackets; say what the endpoint produces and what asked
     * for something else. An {@code Accept} that cannot be parsed keeps Spring's detail, which says so.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
            HttpMediaTypeNotAcceptableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> produced = ex.getSupportedMediaTypes().stream()
                .map(type -> type.getType() + "/" + type.getSubtype())
                .distinct()
                .toList();
        if (!produced.isEmpty()) {
            String format = request.getParameter(FormatParameterStrategy.PARAMETER);
            String accept = request.getHeader(HttpHeaders.ACCEPT);
            String asked;
            if (format != null && !format.isBlank()) {
                asked = "format=" + format + " asks for another";
            } else if (accept != null) {
                asked = "the Accept header '" + shortened(accept) + "' accepts none of them (q=0 marks a type as "
                        + "not acceptable)";
            } else {
                asked = "the request accepts none of them";
            }
            ex.getBody().setDetail("This endpoint produces " + String.join(" or ", produced) + "; " + asked + ".");
        } else if (ex instanceof AcceptHeaderStrategy.RefusesEverything) {
            ex.getBody()
                    .setDetail("The Accept header '" + shortened(request.getHeader(HttpHeaders.ACCEPT))
                            + "' refuses every type this endpoint can produce (q=0 marks a type as not acceptable).");
        }
        return handleExceptionInternal(ex, null, headers, status, request);
    }

    private static String shortened(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "…";
    }

    /**
     * A body in a media type the endpoint does not read. Spring's own detail said "Content-Type 'null' is
     * not supported." of a request without one, and "Could not parse Content-Type." of one naming a
     * charset Java does not know: say which, and what to send instead.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String sent = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String detail;
        if (sent == null || sent.isBlank()) {
            detail = "The request has no Content-Type header";
        } else if (ex.getContentType() == null) {
            detail = "The Content-Type '" + sent + "' cannot be read (a malformed media type, or a charset this "
                    + "server does not know)";
        } else {
            detail = "Content-Type '" + ex.getContentType() + "' is not what this endpoint reads";
        }
        List<String> supported = ex.getSupportedMediaTypes().stream()
                .map(type -> type.getType() + "/" + type.getSubtype())
                .distinct()
                .toList();
        ex.getBody().setDetail(detail + (supported.isEmpty() ? "." : "; send " + String.join(" or ", supported) + "."));
        return handleExceptionInternal(ex, null, headers, status, request);
    }

    /** A path no endpoint and no static file has (see {@link StaticResources}). */
    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(
            NoHandlerFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return noEndpoint(ex, ex.getRequestURL(), headers, status, request);
    }

    /** The one 404 for a path nothing answers, naming the path as the client sent it. */
    private <E extends Exception & ErrorResponse> ResponseEntity<Object> noEndpoint(
            E ex, String fallbackPath, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String path = request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getRequestURI()
                : fallbackPath;
        ex.getBody().setDetail("There is no endpoint at " + path + ".");
        return handleExceptionInternal(ex, null, headers, status, request);
    }

    /** Gives Spring's own 4xx answers (405, 406, 415, …) our stable types and titles. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof ErrorResponse errorResponse) {
            body = errorResponse.getBody();
        }
        if (body instanceof ProblemDetail detail
                && (detail.getType() == null || URI.create("about:blank").equals(detail.getType()))) {
            detail.setType(typeFor(statusCode));
        }
        if (body instanceof ProblemDetail && headers.getContentType() == null) {
            // Chosen here rather than negotiated against Accept: an Accept that is no media type at all
            // ("garbage") fails the problem's own negotiation too, and Spring then drops the body.
            HttpHeaders withType = new HttpHeaders();
            withType.putAll(headers);
            withType.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            headers = withType;
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    /** The stable problem type of a status; also used by {@link ContainerErrorReports} for what Tomcat refuses. */
    static URI typeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> ProblemTypes.INVALID_REQUEST;
            case 404 -> ProblemTypes.NOT_FOUND;
            case 405, 501 -> ProblemTypes.METHOD_NOT_ALLOWED; // 501: a method the container does not implement
            case 406 -> ProblemTypes.NOT_ACCEPTABLE;
            case 409 -> ProblemTypes.CONFLICT;
            case 401 -> ProblemTypes.UNAUTHORIZED;
            case 403 -> ProblemTypes.FORBIDDEN;
            case 413 -> ProblemTypes.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemTypes.UNSUPPORTED_MEDIA_TYPE;
            case 505 -> ProblemTypes.INVALID_REQUEST; // an HTTP version the client sent: its request, not our fault
            default -> status.is5xxServerError() ? ProblemTypes.INTERNAL : ProblemTypes.INVALID_REQUEST;
        };
    }

    /** The field of an {@code errors} entry about the request body as a whole. */
    static final String BODY = "body";

    /**
     * Turns a JSON parsing failure into the field and a sentence a user can act on; the field is ""
     * for the body as a whole.
     *
     * @param sources where the ranges of whole-number fields are declared
     */
    private static FieldError describe(Throwable cause, List<WholeNumberRanges> sources) {
        if (cause instanceof Utf8Check.NotUtf8Exception || cause instanceof Utf8Check.StrayCharacterException) {
            // Found while the parser read its next chunk: where in the bytes is known, not which field.
            return new FieldError("", cause.getMessage());
        }
        if (cause instanceof UnrecognizedPropertyException unknown) {
            List<String> known = unknown.getKnownPropertyIds() == null
                    ? List.of()
                    : unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .toList();
            return new FieldError(
                    path(unknown), "unknown field '" + unknown.getPropertyName() + "'; known fields are " + known);
        }
        if (cause instanceof InvalidFormatException format) {
            if (isWhole(format.getTargetType())
                    && format.getValue() instanceof Double value
                    && Double.isFinite(value)
                    && value == Math.rint(value)) {
                // 5.0 and 1e10 are whole; only their notation (a fraction or an exponent) is refused. The
                // field's range is said too: 1e10 written out would be refused next for its size.
                WholeNumberRange range = WholeNumberRanges.of(sources, format);
                return new FieldError(
                        path(format),
                        "must be " + (range == null ? "a whole number" : range.describe())
                                + " written without a decimal point or exponent, got " + value);
            }
            if (isWhole(format.getTargetType())
                    && format.getValue() instanceof Double value
                    && Double.isInfinite(value)) {
                // 1e400 overflows a double on the way to the field: "'Infinity' is not a whole number"
                // quoted a value the client never sent (and the text it did send is gone with the parser).
                WholeNumberRange range = WholeNumberRanges.of(sources, format);
                return new FieldError(
                        path(format),
                        "is beyond the range of a number (more than about 1.8e308 in size)"
                                + (range == null ? "; give a whole number" : ": must be " + range.describe()));
            }
            return new FieldError(
                    path(format), "'" + format.getValue() + "' is not " + describe(format.getTargetType()));
        }
        if (cause instanceof InputCoercionException overflow && isWhole(overflow.getTargetType())) {
            // Valid JSON whose number does not fit the field (basisDegree: 2147483648): say so, where, and
            // the range the field takes, as its own check would; the Java type's range is no promise.
            return new FieldError(path(overflow), WholeNumberRanges.beyond(sources, overflow));
        }
        if (cause instanceof MismatchedInputException trailing
                && String.valueOf(trailing.getOriginalMessage()).startsWith("Trailing token")) {
            // {"alpha": 0.1} {"x": 1}: the body is an object, but there is more after it (FAIL_ON_TRAILING_TOKENS).
            return new FieldError(
                    "",
                    "The body has more after its JSON value" + where(trailing)
                            + "; send one JSON object and nothing after it");
        }
        if (cause instanceof MismatchedInputException mismatch) {
            Class<?> type = mismatch.getTargetType();
            // A primitive array names itself as the target when one of its elements is wrong too
            // (x: [[1], [null]] fails at x[1][0] with target double[]); such a failure is the one whose
            // last path step is an index into the primitive array being filled, and the element is what
            // was expected. A row that is not an array (x: [[1], 2]) stays "must be an array".
            List<JacksonException.Reference> at = mismatch.getPath();
            Object from = at.isEmpty() ? null : at.get(at.size() - 1).from();
            if (type != null
                    && type.isArray()
                    && from != null
                    && from.getClass().isArray()
                    && from.getClass().getComponentType().isPrimitive()) {
                type = type.getComponentType();
            }
            String target = type == null ? "the expected type" : describe(type);
            String field = path(mismatch);
            if (field.isEmpty()) {
                // The body itself is of the wrong kind ([1], "x", 5 where a spec belongs).
                String sent = sentKind(String.valueOf(mismatch.getOriginalMessage()));
                return new FieldError("", "The body must be " + target + (sent == null ? "" : ", not " + sent) + ".");
            }
            return new FieldError(field, "must be " + target);
        }
        if (cause instanceof StreamReadException read) {
            // A token the parser refused: named by where it stopped, so {"alpha": NaN} is about alpha.
            String field = field(read.processor());
            String message = String.valueOf(read.getOriginalMessage());
            if (message.contains("ALLOW_NON_NUMERIC_NUMBERS")) {
                return new FieldError(field, "must be a finite number; NaN and Infinity are not numbers in JSON");
            }
            if (message.startsWith("Duplicate Object property")) {
                return new FieldError(field, "is given twice; give each field once");
            }
        }
        if (cause instanceof JacksonException json) {
            // In the client's words: Jackson's own name the parser's classes and settings (ParserMessages).
            String plain = ParserMessages.plain(json.getOriginalMessage());
            return new FieldError(
                    "", "The body is not valid JSON" + where(json) + (plain.isEmpty() ? "." : ": " + plain));
        }
        if (String.valueOf(cause.getMessage()).startsWith("Required request body is missing")) {
            // Spring's words for an empty body and for the JSON literal null alike.
            return new FieldError("", "The request body is empty or JSON null; send a JSON object.");
        }
        return new FieldError("", "The request body is missing or unreadable; send a JSON object.");
    }

    /** What Jackson says it found instead ("… from Array value (token …)"), as a user would name it; null if unsaid. */
    private static String sentKind(String message) {
        if (message.contains("from Array value")) {
            return "an array";
        }
        if (message.contains("from String value")) {
            return "a string";
        }
        if (message.contains("from Number value")
                || message.contains("from Integer value")
                || message.contains("from Floating-point value")) {
            return "a number";
        }
        if (message.contains("from boolean value") || message.contains("from Boolean value")) {
            return "true or false";
        }
        return null;
    }

    /** The field a parser stopped in, as {@link #path} spells it ("data.x[0][1]"); "" at the top or when unknown. */
    private static String field(JsonParser parser) {
        if (parser == null) {
            return "";
        }
        java.util.Deque<String> steps = new java.util.ArrayDeque<>();
        for (TokenStreamContext at = parser.streamReadContext(); at != null; at = at.getParent()) {
            if (at.inArray()) {
                steps.push("[" + Math.max(0, at.getCurrentIndex()) + "]");
            } else if (at.inObject() && at.currentName() != null) {
                steps.push("." + at.currentName());
            }
        }
        String path = String.join("", steps);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** " (line L, column C)" where the parser stopped, or "" when it does not say. */
    private static String where(JacksonException json) {
        return json.getLocation() == null
                ? ""
                : " (line " + json.getLocation().getLineNr() + ", column "
                        + json.getLocation().getColumnNr() + ")";
    }

    private static String path(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static boolean isWhole(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class;
    }

    private static String describe(Class<?> type) {
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of "
                    + java.util.Arrays.stream(type.getEnumConstants())
                            .map(Object::toString)
                            .toList();
        }
        return "a JSON object";
    }

    private static ResponseEntity<Object> problem(
            HttpStatus status, URI type, String title, String detail, List<FieldError> errors, HttpHeaders headers) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        problem.setInstance(dispatchedFrom());
        if (errors != null && !errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return ResponseEntity.status(status)
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /**
     * The path the client asked for when this answer comes from the container's error dispatch (an
     * exception thrown by a filter), where the request's own path is {@code /error}; otherwise null, and
     * Spring fills in the request's path.
     */
    private static URI dispatchedFrom() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getRequest().getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String path) {
            try {
                return new URI(path);
            } catch (java.net.URISyntaxException notAUri) {
                return null;
            }
        }
        return null;
    }

    /** A {@code Retry-After} header in whole seconds, at least 1 (clients treat 0 as "now"). */
    private static HttpHeaders retryAfter(Duration wait) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds())));
        return headers;
    }
}
