extension ScenarioSettings {
    /// These settings with `clients` clients and the server's compute rate F and band B scaled by
    /// clients / `clientCount`, so that the load per client (F/K, B/K) is the same at every size.
    /// This is how the scaling benchmarks grow an instance family. Precondition-free: a
    /// `clients` < 1 gives settings that `validationIssues()` rejects.
    public func scaled(toClients clients: Int) -> ScenarioSettings {
        var copy = self
        let factor = Double(clients) / Double(max(clientCount, 1))
        copy.clientCount = clients
        copy.server.computeRateFlopsPerS *= factor
        copy.server.bandwidthHz *= factor
        return copy
    }
}
