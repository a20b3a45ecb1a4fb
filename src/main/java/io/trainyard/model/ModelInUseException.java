package io.trainyard.model;

import java.util.List;

import io.trainyard.system.ConflictException;

/**
 * A model an alias points to cannot be deleted (409). The caller's own aliases are named with what
 * to do; another owner's (an admin may point an alias at a user's model) are only counted: their
 * names are not the caller's to know, and only their owner or an admin can move them.
 */
class ModelInUseException extends ConflictException {

    ModelInUseException(String id, List<AliasRepository.Pointer> aliases, String caller) {
        super(message(id, aliases, caller));
    }

    private static String message(String id, List<AliasRepository.Pointer> aliases, String caller) {
        List<String> own = aliases.stream()
                .filter(a -> a.owner().equals(caller))
                .map(AliasRepository.Pointer::name)
                .toList();
        long others = aliases.size() - own.size();
        StringBuilder text = new StringBuilder("Model ").append(id).append(" is in use: ");
        if (!own.isEmpty()) {
            text.append(own.size() == 1 ? "your alias '" + own.get(0) + "' points" : "your aliases " + own + " point")
                    .append(" to it; point ")
                    .append(own.size() == 1 ? "it" : "them")
                    .append(" at another model (PUT /aliases/{name}) or delete ")
                    .append(own.size() == 1 ? "it" : "them")
                    .append(" first.");
        }
        if (others > 0) {
            text.append(own.isEmpty() ? "" : " Also, ")
                    .append(
                            others == 1
                                    ? "an alias of another owner points"
                                    : others + " aliases of other owners point")
                    .append(" to it; only their owner or an admin can move ")
                    .append(others == 1 ? "it." : "them.");
        }
        return text.toString();
    }
}
