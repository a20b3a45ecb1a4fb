package io.trainyard.security;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** API keys: an admin creates, lists and revokes them; every key can ask who it is. */
@RestController
@RequestMapping(path = "/keys", produces = "application/json")
@Tag(name = "Keys", description = "API keys, owners and roles")
class KeyController {

    private final ApiKeys keys;

    KeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @Schema(name = "CreateKeyRequest")
    record CreateKeyRequest(
            @Schema(
                    example = "alice",
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    pattern = ApiKeys.NAME_PATTERN,
                    minLength = 1,
                    maxLength = 100,
                    description = "Becomes the owner of what the key creates. 1 to 100 ASCII letters, digits, "
                            + "'.', '_' or '-', starting with a letter or digit. Unique regardless of case "
                            + "('Alice' beside 'alice' is a 409), also against revoked keys, whose names stay "
                            + "taken; 'local' and 'system' are reserved in any case (400).")
            String name,

            @Schema(
                    example = "user",
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"admin", "user"},
                    description = "admin: everything, every owner's, key management; user: only its own")
            String role) {}

    @Schema(name = "Key")
    record KeyResponse(
            String id,
            @Schema(example = "alice") String name,
            @Schema(example = "user") String role,
            Instant createdAt,

            @Schema(description = "Written at most once a minute")
            Instant lastUsedAt) {

        static KeyResponse from(KeyRepository.KeyRow row) {
            return new KeyResponse(row.id(), row.name(), row.role().wire(), row.createdAt(), row.lastUsedAt());
        }
    }

    @Schema(name = "CreatedKey")
    record CreatedKeyResponse(
            String id,
            @Schema(example = "alice") String name,
            @Schema(example = "user") String role,
            Instant createdAt,

            @Schema(
                    description = "The secret: shown only in this response, store it now",
                    example = "ty_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg")
            String key) {}

    @Schema(name = "KeyList")
    record KeyList(List<KeyResponse> items) {}

    @Schema(name = "Me")
    record Me(
            @Schema(example = "alice") String name,
            @Schema(example = "user") String role) {}

    @PostMapping(consumes = "application/json")
    @Operation(
            operationId = "createKey",
            summary = "Create an API key (admin)",
            description = "Answers the secret once, in `key`; only its "
                    + "SHA-256 is stored. Names are unique regardless of case (names of revoked keys stay taken).")
    @ApiResponse(responseCode = "201", description = "Created; store `key` now")
    @ApiResponse(
            responseCode = "400",
            description = "Bad name or role; `errors` names every bad field",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "409",
            description = "The name is taken, exactly or but for case",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<CreatedKeyResponse> create(@RequestBody CreateKeyRequest request) {
        ApiKeys.Created created = keys.create(request.name(), request.role());
        KeyRepository.KeyRow row = created.key();
        return ResponseEntity.created(URI.create("/keys/" + row.id()))
                .body(new CreatedKeyResponse(
                        row.id(), row.name(), row.role().wire(), row.createdAt(), created.secret()));
    }

    @GetMapping
    @Operation(
            operationId = "listKeys",
            summary = "List API keys (admin)",
            description = "Active keys, never their secrets.")
    @ApiResponse(responseCode = "200", description = "The keys")
    KeyList list() {
        return new KeyList(keys.list().stream().map(KeyResponse::from).toList());
    }

    @GetMapping("/me")
    @Operation(
            operationId = "getOwnKey",
            summary = "Who am I",
            description = "The name (owner) and role of the key sent.")
    @ApiResponse(responseCode = "200", description = "The caller")
    Me me() {
        Caller caller = Caller.current();
        return new Me(caller.name(), caller.role().wire());
    }

    @GetMapping("/{id}")
    @Operation(
            operationId = "getKey",
            summary = "One API key (admin)",
            description = "An active key as `GET /keys` lists it, never its secret: where `POST /keys` "
                    + "points with `Location`.")
    @ApiResponse(responseCode = "200", description = "The key")
    @ApiResponse(
            responseCode = "404",
            description = "No such active key",
            content = @Content(mediaType = "application/problem+json"))
    KeyResponse get(@PathVariable String id) {
        return KeyResponse.from(keys.get(id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "revokeKey",
            summary = "Revoke an API key (admin)",
            description = "Refused from the next request on (other "
                    + "instances sharing the database: within trainyard.auth.cache-ttl, 5 s by default). The "
                    + "last active admin key cannot be revoked (create another admin first), nor, on an instance "
                    + "configured with it, the admin key set by trainyard.auth.bootstrap-key.")
    @ApiResponse(responseCode = "204", description = "Revoked")
    @ApiResponse(
            responseCode = "404",
            description = "No such active key",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "409",
            description = "The last active admin key, or the configured bootstrap key",
            content = @Content(mediaType = "application/problem+json"))
    void revoke(@PathVariable String id) {
        keys.revoke(id);
    }
}
