extension Problem {
    /// The problem restricted to the clients whose ids are in `admitted`, as admission mode defines
    /// it (docs/model.md, "Admission"): the other clients are removed, every service target applies
    /// to its admitted members only, and a target with no admitted member is dropped. A target
    /// over every client (`clients` absent) keeps covering every admitted client.
    public func restricted(to admitted: Set<String>) -> Problem {
        var restricted = self
        restricted.clients = clients.filter { admitted.contains($0.id) }
        restricted.serviceTargets = serviceTargets.compactMap { target in
            guard let ids = target.clients else { return restricted.clients.isEmpty ? nil : target }
            let kept = ids.filter(admitted.contains)
            guard !kept.isEmpty else { return nil }
            var copy = target
            copy.clients = kept
            return copy
        }
        return restricted
    }
}
