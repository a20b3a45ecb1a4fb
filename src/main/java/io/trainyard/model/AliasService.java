package io.trainyard.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.trainyard.security.Caller;
import io.trainyard.security.Owners;
import io.trainyard.system.FieldError;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.Timestamps;

/**
 * Points names at models and keeps every change. Until authentication arrives every alias belongs
 * to, and every change is made by, the caller (its key's name).
 */
@Service
class AliasService {

    /**
     * Whose aliases a request means. Aliases are names of one owner's: each owner has its own
     * "production". A user key means its own (naming another owner is a 400); an admin key means the
     * owner it names with {@code ?owner=} (in any case), else its own.
     */
    private String owner(String requested) {
        return owners.actingFor(
                requested, "only an admin acts on another owner's aliases; leave owner out for your own");
    }

    static final int MAX_NAME_LENGTH = 64;

    private final AliasRepository aliases;
    private final ModelService models;
    private final TransactionTemplate transaction;
    private final Owners owners;

    AliasService(AliasRepository aliases, ModelService models, TransactionTemplate transaction, Owners owners) {
        this.aliases = aliases;
        this.models = models;
        this.transaction = transaction;
        this.owners = owners;
    }

    /**
     * @throws AliasNotFoundException when there is no alias of that name
     */
    Alias get(String name, String requestedOwner) {
        return aliases.find(owner(requestedOwner), checkedName(name))
                .orElseThrow(() -> new AliasNotFoundException(name));
    }

    /** The caller's aliases; for an admin every owner's, or the one owner {@code requestedOwner} names. */
    List<Alias> list(String requestedOwner) {
        String owner = owners.listFilter(requestedOwner);
        return owner == null ? aliases.listAll() : aliases.list(owner);
    }

    /**
     * Points {@code name} at {@code modelId}, creating the alias if needed; a change is recorded even
     * when the alias already pointed there (someone confirmed it).
     *
     * @throws InvalidRequestException for a bad name or a model id that names no model
     */
    Alias put(String name, String modelId, String requestedOwner) {
        checkedName(name);
        String owner = owner(requestedOwner);
        String by = Caller.current().name();
        if (modelId == null || modelId.isBlank()) {
            throw new InvalidRequestException("modelId", "is required: the id of the model the alias should point to");
        }
        String modelOwner;
        try {
            modelOwner = models.get(modelId).owner();
        } catch (ModelNotFoundException e) {
            throw new InvalidRequestException(
                    "modelId", "there is no model with id '" + modelId + "'; GET /models lists the stored ones");
        }
        // An admin pointing another owner's alias: at a model of that owner's, which the alias's owner
        // can then use (another owner's model would answer the alias's owner 404). Only an admin sees
        // such a model here, so saying whose it is tells nobody what they could not read.
        if (!modelOwner.equals(owner) && !owner.equals(by)) {
            throw new InvalidRequestException(
                    "modelId",
                    "model '" + modelId + "' is " + modelOwner + "'s, and " + owner + "'s alias must point to a model"
                            + " of " + owner + "'s, which " + owner + " can use; GET /models?owner=" + owner
                            + " lists them");
        }
        // Two first PUTs of one name can both find no row; the loser's insert hits the primary key and
        // it tries again, now as an update of the winner's alias.
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.execute(status -> {
                    if (!aliases.lockModel(modelId)) {
                        throw new ModelNotFoundException(modelId); // deleted since the check above
                    }
                    Optional<Alias> current = aliases.findForUpdate(owner, name);
                    var now = Timestamps.now();
                    if (current.isPresent()) {
                        aliases.update(owner, name, modelId, now);
                    } else {
                        aliases.insert(owner, name, modelId, now);
                    }
                    aliases.recordChange(
                            owner,
                            name,
                            new Alias.Change(
                                    modelId, current.map(Alias::modelId).orElse(null), now, by));
                    return new Alias(owner, name, modelId, now);
                });
            } catch (DuplicateKeyException e) {
                if (attempt == 3) {
                    throw e;
                }
            } catch (ModelNotFoundException | DataIntegrityViolationException e) {
                // the model was deleted between the check above and the insert
                throw new InvalidRequestException(
                        "modelId", "there is no model with id '" + modelId + "'; GET /models lists the stored ones");
            }
        }
    }

    /**
     * @throws AliasNotFoundException when there is no alias of that name
     */
    void delete(String name, String requestedOwner) {
        checkedName(name);
        String owner = owner(requestedOwner);
        String by = Caller.current().name();
        transaction.executeWithoutResult(status -> {
            Alias current = aliases.findForUpdate(owner, name).orElseThrow(() -> new AliasNotFoundException(name));
            aliases.delete(owner, name);
            aliases.recordChange(owner, name, new Alias.Change(null, current.modelId(), Timestamps.now(), by));
        });
    }

    /**
     * Changes newest first; a deleted alias keeps its history.
     *
     * @throws AliasNotFoundException when the name was never used
     */
    List<Alias.Change> history(String name, int limit, String requestedOwner) {
        List<Alias.Change> changes = aliases.history(owner(requestedOwner), checkedName(name), limit);
        if (changes.isEmpty()) {
            throw new AliasNotFoundException(name);
        }
        return changes;
    }

    /** The model the alias points to now. */
    StoredModel model(String name, String requestedOwner) {
        return models.get(get(name, requestedOwner).modelId());
    }

    /**
     * Alias names: 1 to 64 characters of ASCII letters, digits, '.', '_' and '-', starting with a letter or
     * digit, so that they are safe in a URL path and never look like a model id's punctuation.
     */
    static String checkedName(String name) {
        List<FieldError> errors = new ArrayList<>();
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError(
                    "name",
                    "must be 1 to " + MAX_NAME_LENGTH + " characters, got " + (name == null ? 0 : name.length())));
        } else {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!letterOrDigit && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                    errors.add(new FieldError(
                            "name",
                            "may hold only ASCII letters and digits (A-Z, a-z, 0-9), '.', '_' and '-' and must start "
                                    + "with one of those letters or digits; character " + (i + 1) + " is '" + c + "'"));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return name;
    }
}
