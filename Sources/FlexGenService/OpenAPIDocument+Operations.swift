import FlexGen

extension OpenAPIDocument {
    /// `info.version` of the document: the toolkit's version, the one `flexgen --version` prints.
    static let infoVersion = FlexGenVersion.string
}
