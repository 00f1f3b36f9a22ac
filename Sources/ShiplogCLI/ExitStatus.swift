public import ArgumentParser

/// The exit statuses of SPEC §5 (after sysexits.h).
public enum ExitStatus {
    /// The command line is wrong.
    public static let usage = ExitCode(64)
    /// The data is invalid.
    public static let badData = ExitCode(65)
    /// A file could not be read or written.
    public static let io = ExitCode(74)
}
