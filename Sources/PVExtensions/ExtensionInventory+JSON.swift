import Rendering

extension PVVerification {
    /// {"result": "passed"|"failed"|"notRun", "detail": ...}
    var json: JSONValue {
        switch self {
        case .passed(let d): return .object([("result", .string("passed")), ("detail", .string(d))])
        case .failed(let d): return .object([("result", .string("failed")), ("detail", .string(d))])
        case .notRun(let d): return .object([("result", .string("notRun")), ("detail", .string(d))])
        }
    }
}

extension XenbusDevice {
    var json: JSONValue {
        .object([
            ("name", .string(name)),
            ("devtype", .optional(devtype.map(JSONValue.string))),
            ("nodename", .optional(nodename.map(JSONValue.string))),
            ("state", .optional(stateText.map(JSONValue.string))),
            ("stateNumber", .optional(state.map { .number(Int($0.number)) })),
            ("driver", .optional(driver.map(JSONValue.string))),
            ("backend", backendJSON),
        ])
    }

    /// {"path", "domain", "state", "stateNumber", "verdict", "unknownBecause"}, or null when the
    /// backend was not read.
    var backendJSON: JSONValue {
        guard let backend else { return .null }
        return .object([
            ("path", .optional(backend.path.map(JSONValue.string))),
            ("domain", .optional(backend.domain.map { .number(Int($0)) })),
            ("state", .optional(backend.state.map { .string($0.sysfsName) })),
            ("stateNumber", .optional(backend.stateNumber.map { .number(Int($0)) })),
            ("verdict", .optional(backendVerdict.map { .string($0.rawValue) })),
            ("unknownBecause", .optional(backend.unknownBecause.map(JSONValue.string))),
        ])
    }
}

extension PCIFunction {
    var json: JSONValue {
        .object([
            ("address", .string(address)),
            ("vendor", .string(PCIFunction.hex4(vendor))),
            ("device", .string(PCIFunction.hex4(device))),
            ("class", .string("0x" + String(classCode, radix: 16))),
            ("name", .optional(knownName.map(JSONValue.string))),
            ("driver", .optional(driver.map(JSONValue.string))),
        ])
    }
}

extension ExtensionInventory {
    /// The `extensions --json` document; keys are stable and documented in docs/extensions.md.
    package var json: JSONValue {
        func bool(_ b: Bool?) -> JSONValue { b.map(JSONValue.bool) ?? .null }
        func strings(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }
        func int(_ i: Int?) -> JSONValue { i.map { .number($0) } ?? .null }
        return .object([
            ("context", .optional(context.map(JSONValue.string))),
            ("io", .string(verdict.rawValue)),
            ("inUse", strings(inUse.map(\.rawValue))),
            ("extensions", .array(extensions.map { e in
                .object([
                    ("name", .string(e.name.rawValue)),
                    ("available", bool(e.available)),
                    ("availableEvidence", strings(e.availableEvidence)),
                    ("inUse", bool(e.inUse)),
                    ("inUseEvidence", strings(e.inUseEvidence)),
                    ("verified", e.verified?.json ?? .null),
                ])
            })),
            ("eventChannelDelivery", .string(delivery.rawValue)),
            ("grantTable", .object([
                ("version", int(grantTable.version)),
                ("framesInUse", int(grantTable.framesInUse)),
                ("maxFrames", int(grantTable.maxFrames)),
                ("unknownBecause", .optional(grantTable.unknownBecause.map(JSONValue.string))),
            ])),
            ("clocksource", .optional(clocksource.map(JSONValue.string))),
            ("devices", .array(devices.map { d in
                .object([
                    ("name", .string(d.name)),
                    ("class", .string(d.deviceClass.rawValue)),
                    ("path", .string(d.path.rawValue)),
                    ("driver", .optional(d.driver.map(JSONValue.string))),
                    ("frontend", .optional(d.xenbus.map { .string($0.name) })),
                    ("xenbusState", .optional(d.xenbus?.stateText.map(JSONValue.string))),
                    ("xenbusStateNumber", .optional(d.xenbus?.state.map { .number(Int($0.number)) })),
                    ("nodename", .optional(d.xenbus?.nodename.map(JSONValue.string))),
                    ("backend", d.xenbus?.backendJSON ?? .null),
                    ("pci", d.pci?.json ?? .null),
                    ("sysfsLink", .string(d.sysfsLink)),
                ])
            })),
            ("xenbus", .array(xenbus.map(\.json))),
            ("unattached", .array(unattached.map { .object([("frontend", .string($0.name)), ("state", .optional($0.stateText.map(JSONValue.string)))]) })),
            ("unplug", .object([
                ("cmdline", .optional(unplug.cmdline.map(JSONValue.string))),
                ("summary", .string(unplug.summary)),
                ("remaining", .array(unplug.remaining.map(\.json))),
            ])),
            ("problems", strings(problems)),
        ])
    }
}
