/// The toolkit's version: what `flexgen --version` prints and the OpenAPI document's
/// `info.version`, from this one constant (a test compares the two outputs).
///
/// Semantic versioning of the toolkit as a whole (library API, CLI, HTTP service); the JSON
/// formats carry their own versions (`flexgen-problem/1`, …) and change independently.
/// Bump it when a release section is cut in CHANGELOG.md.
public enum FlexGenVersion {
    public static let string = "0.1.0"
}
