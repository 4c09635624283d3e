/// A FlexGen service problem, `flexgen-problem/1`: one edge server, a model profile, the clients
/// and optional service-level targets. See docs/model.md for the mathematics.
public struct Problem: Codable, Sendable, Hashable {
    public static let formatName = "flexgen-problem/1"

    public var name: String
    public var server: Server
    public var profile: Profile
    /// The path the instance named its profile by, relative to the instance file (nil: inline).
    /// Kept so that re-encoding a problem writes the reference back rather than a copy.
    public var profilePath: String?
    public var clients: [Client]
    public var serviceTargets: [ServiceTarget]

    public init(name: String, server: Server, profile: Profile, profilePath: String? = nil,
                clients: [Client], serviceTargets: [ServiceTarget] = []) {
        self.name = name
        self.server = server
        self.profile = profile
        self.profilePath = profilePath
        self.clients = clients
        self.serviceTargets = serviceTargets
    }

    /// Client id → index in `clients` (the last one wins for duplicate ids, which validation rejects).
    public var clientIndex: [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(clients.count)
        for (i, client) in clients.enumerated() { index[client.id] = i }
        return index
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, name, server, profile, clients, serviceTargets }

    public init(from decoder: any Decoder) throws {
        // The format first: a document of another kind (a trace given where a problem is expected,
        // or the reverse) is named as such, not by the first key the two formats do not share.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try checkFormat(c, key: .format, expected: Self.formatName, codingPath: decoder.codingPath)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        server = try c.decode(Server.self, forKey: .server)
        (profile, profilePath) = try decodeProfile(c, key: .profile, decoder: decoder)
        clients = try c.decode([Client].self, forKey: .clients)
        serviceTargets = try c.decodeUnlessAbsent([ServiceTarget].self, forKey: .serviceTargets) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(name, forKey: .name)
        try c.encode(server, forKey: .server)
        if let profilePath, encoder.userInfo[.embedProfile] as? Bool != true {
            try c.encode(profilePath, forKey: .profile)
        } else {
            try c.encode(profile, forKey: .profile)
        }
        try c.encode(clients, forKey: .clients)
        if !serviceTargets.isEmpty { try c.encode(serviceTargets, forKey: .serviceTargets) }
    }
}

/// Turns a problem's profile path into a profile; supplied by whoever does the I/O
/// (FlexGenIO reads files relative to the problem file). Throw `InputError` for a bad path.
public struct ProfileResolver: Sendable {
    public var resolve: @Sendable (String) throws -> Profile
    public init(_ resolve: @escaping @Sendable (String) throws -> Profile) { self.resolve = resolve }
}

extension CodingUserInfoKey {
    /// A `ProfileResolver` for problems that name their profile by path.
    public static let profileResolver = CodingUserInfoKey(rawValue: "flexgen.profileResolver")!
    /// `true`: encode a problem's profile inline even when it was loaded from a path.
    public static let embedProfile = CodingUserInfoKey(rawValue: "flexgen.embedProfile")!
}

/// A document's `profile`: inline, or a string naming a file that the decoder's
/// `ProfileResolver` reads (problems and traces share this).
func decodeProfile<K: CodingKey>(_ c: KeyedDecodingContainer<K>, key: K, decoder: any Decoder) throws
    -> (Profile, String?) {
    guard let path = try? c.decode(String.self, forKey: key) else {
        return (try c.decode(Profile.self, forKey: key), nil)
    }
    guard let resolve = decoder.userInfo[.profileResolver] as? ProfileResolver else {
        throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath + [key],
            debugDescription: "names the profile file \"\(path)\" but no resolver was given; "
                + "load the document from a file (FlexGenIO) or embed the profile"))
    }
    do {
        return (try resolve.resolve(path), path)
    } catch let error as InputError {
        throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath + [key],
            debugDescription: "profile file \"\(path)\": \(error)"))
    }
}
