import PVExtensions

extension SelfTestFailure {
    /// What this failure means for an inventory row's `verified`: the round trip itself failed
    /// (`failed`), or the test could not run here: a module not loaded, no permission, Xen or
    /// the kernel refused a step, this domain's id unknown, the project's policy, a signal
    /// (`notRun`, as `PVVerification` defines it). The detail is the failure's one line.
    public var verification: PVVerification {
        switch self {
        case .roundTripFailed: .failed(description)
        case .moduleNotLoaded, .noPermission, .refused, .grantRefused, .domainUnknown, .interrupted, .unsafeHere: .notRun(description)
        }
    }
}

extension EventChannelReport {
    /// The `event-channels` row's `verified`: passed with the report's line, or the failure's.
    public var verification: PVVerification { failure?.verification ?? .passed(line) }
}

extension GrantTableReport {
    /// The `grant-tables` row's `verified`: passed with the report's line, or the failure's.
    public var verification: PVVerification { failure?.verification ?? .passed(line) }
}

extension ExtensionInventory {
    /// The inventory with the two PV foundations' self-tests in their rows (`event-channels`,
    /// `grant-tables`); every other row stays as it was.
    public func verified(eventChannel: EventChannelReport, grantTable: GrantTableReport) -> ExtensionInventory {
        verified { name in
            switch name {
            case .eventChannels: eventChannel.verification
            case .grantTables: grantTable.verification
            default: row(name)?.verified
            }
        }
    }
}
