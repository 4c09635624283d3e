/// Arrivals over time, `flexgen-trace/1` (docs/formats.md, docs/online.md): one server, one
/// profile, the planning frame length and the requests in order of arrival.
public struct Trace: Codable, Sendable, Hashable {
    public static let formatName = "flexgen-trace/1"

    public var name: String
    public var server: Server
    public var profile: Profile
    /// The path the trace named its profile by, relative to the trace file (nil: inline).
    public var profilePath: String?
    /// Frame length (s): the server plans at every multiple of it.
    public var frameS: Double
    /// In order of non-decreasing `arrivalS`, ids unique.
    public var requests: [TraceRequest]

    public init(name: String, server: Server, profile: Profile, profilePath: String? = nil, frameS: Double,
                requests: [TraceRequest]) {
        self.name = name
        self.server = server
        self.profile = profile
        self.profilePath = profilePath
        self.frameS = frameS
        self.requests = requests
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, name, server, profile, frameS, requests }

    public init(from decoder: any Decoder) throws {
        // The format first: a document of another kind (a trace given where a problem is expected,
        // or the reverse) is named as such, not by the first key the two formats do not share.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try checkFormat(c, key: .format, expected: Self.formatName, codingPath: decoder.codingPath)
        try decoder.rejectUnknownKeys(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        server = try c.decode(Server.self, forKey: .server)
        (profile, profilePath) = try decodeProfile(c, key: .profile, decoder: decoder)
        frameS = try c.decode(Double.self, forKey: .frameS)
        requests = try c.decode([TraceRequest].self, forKey: .requests)
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
        try c.encode(frameS, forKey: .frameS)
        try c.encode(requests, forKey: .requests)
    }

    /// A problem with this trace's server and profile and the given clients (the frame problems
    /// of `FramePlanner` and the validation below).
    public func problem(name: String, clients: [Client]) -> Problem {
        Problem(name: name, server: server, profile: profile, profilePath: profilePath, clients: clients)
    }
}
