import Rendering

extension ExtensionInventory {
    /// The human form: the extensions as a table, then the devices, the unplug policy, odd
    /// states, and the verdict as the last line.
    public var text: String {
        func word(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "?" }
        func verified(_ v: PVVerification?) -> String {
            switch v {
            case nil: return "not checked"
            case .passed?: return "passed"
            case .failed?: return "FAILED"
            case .notRun?: return "not run"
            }
        }
        var lines: [String] = ["PV extensions (\(context ?? "unknown") guest):"]
        var table = TextTable([["extension", "available", "in use", "verified", "evidence"]])
        for e in extensions {
            // In use: what shows it; not in use: why not, whole; unknown: what Xen offers.
            let evidence: String
            switch e.inUse {
            case true?: evidence = e.inUseEvidence.first ?? ""
            case false?: evidence = e.inUseEvidence.joined(separator: "; ")
            case nil: evidence = (e.availableEvidence + e.inUseEvidence).first ?? ""
            }
            table.rows.append([e.name.rawValue, word(e.available), word(e.inUse), verified(e.verified), evidence])
        }
        lines += table.lines(indent: "  ")
        lines.append("event channels delivered by: \(delivery.rawValue)")
        lines.append("clocksource: \(clocksource ?? "?")")
        lines.append("grant table: version \(grantTable.version.map(String.init) ?? "?"), frames \(grantTable.framesInUse.map(String.init) ?? "?")/\(grantTable.maxFrames.map(String.init) ?? "?") ("
                     + (grantTable.unknownBecause ?? "GNTTABOP_get_version, GNTTABOP_query_size") + ")")
        lines.append("")
        lines.append("devices:")
        if devices.isEmpty {
            lines.append("  none")
        } else {
            var dt = TextTable([["device", "class", "path", "via", "driver", "state", "backend"]])
            for d in devices {
                let via = d.xenbus?.name ?? d.pci.map { p in "PCI \(p.address) \(p.ids)" + (p.knownName.map { " \($0)" } ?? "") } ?? d.sysfsLink
                dt.rows.append([d.name, d.deviceClass.rawValue, d.path.rawValue, via, d.driver ?? "-",
                                d.xenbus?.stateText ?? "-", d.xenbus?.backendSummary ?? "-"])
            }
            lines += dt.lines(indent: "  ")
        }
        lines.append("unplug: \(unplug.summary)")
        if !unplug.remaining.isEmpty {
            lines.append("  on the PCI bus: " + unplug.remaining.map { p in
                "\(p.address) \(p.ids)" + (p.knownName.map { " \($0)" } ?? "") + " (\(p.driver ?? "no driver"))"
            }.joined(separator: ", "))
        }
        for p in problems { lines.append("note: \(p)") }
        lines.append(verdict.rawValue)
        return lines.joined(separator: "\n")
    }
}
