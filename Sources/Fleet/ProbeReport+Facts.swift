import CPUIDProbe
import Rendering

/// The fact document's schema version: keys are only added within a version (README, "Facts").
package let factsSchemaVersion = 1

/// Where the fact document goes.
package enum FactsFormat: String, CaseIterable, Sendable {
    /// The document itself: /etc/ansible/facts.d/xen_detect.fact yields `ansible_local.xen_detect`.
    case ansible
    /// `{"xen_detect": document}`: an external fact that cannot collide with Facter's core facts.
    case facter
}

extension ProbeReport {
    /// The hypervisor stack in leaf order, with the view each range was read through (the same
    /// order and views as `--json`'s `hypervisors`).
    package var stackWithViews: [(range: HypervisorRange, view: String)] {
        hypervisors.map { r in
            (r, (xenView == .forcedEmulation && pvScan?.ranges.contains(r) == true) ? "forcedEmulation" : "cpuid")
        }
    }

    /// The fact document: this report's decision, context, domain and stack, the identity, and the
    /// vocabularies computed from the same decision. Keys: README, "Facts".
    package func facts(identity: GuestIdentity, toolVersion: String) -> JSONValue {
        let v = vocabularies
        func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func strings(_ a: [String]?) -> JSONValue { a.map { .array($0.map(JSONValue.string)) } ?? .null }
        let extra = sysfs?.isXen == true ? sysfs?.versionExtra.map { String($0.dropLast()) } : nil
        let xenMembers: [(String, JSONValue)] = [
            ("detected", .bool(xenDetected)),
            ("context", string(context?.rawValue)),
            ("contextSource", string(contextSource)),
            ("decidedBy", .string(decision.decidedBy.rawValue)),
            ("version", string(version.map { "\($0.major).\($0.minor)" })),
            ("versionExtra", string(extra)),
            ("domain", string(domain?.rawValue)),
            ("domainSource", string(domainSource?.rawValue)),
            ("domainId", xen?.hvm?.domainID.map { .number($0) } ?? .null),
            ("leafBase", xen.map { .number($0.range.leafBase) } ?? .null),
        ]
        let stack = stackWithViews.enumerated().map { i, e in
            JSONValue.object([("position", .number(i)), ("name", .string(e.range.name)),
                              ("signature", .string(e.range.signature.description)),
                              ("leafBase", .number(e.range.leafBase)), ("view", .string(e.view))])
        }
        let dmi: JSONValue = identity.dmi.map { d in
            .object([("sysVendor", string(d.sysVendor)), ("productName", string(d.productName)),
                     ("productVersion", string(d.productVersion)), ("biosVersion", string(d.biosVersion))])
        } ?? .null
        let facterXen: JSONValue = v.facterXen.map { x in
            .object([("context", .string(x.context)), ("privileged", x.privileged.map(JSONValue.bool) ?? .null)])
        } ?? .null
        return .object([
            ("schemaVersion", .number(factsSchemaVersion)),
            ("tool", .object([("name", .string("xen-detect")), ("version", .string(toolVersion))])),
            ("source", .string(source)),
            ("xen", .object(xenMembers)),
            ("stack", .array(stack)),
            ("stackNames", .array(hypervisors.map { .string($0.name) })),
            ("identity", .object([
                ("read", .bool(identity.read)),
                ("dmi", dmi),
                ("dmiAbsent", string(identity.dmiAbsence(context: context)?.rawValue)),
                ("uuid", string(identity.uuid)),
                ("domainId", xen?.hvm?.domainID.map { .number($0) } ?? .null),
            ])),
            ("vocabularies", .object([
                ("systemdDetectVirt", .string(v.systemd)),
                ("facter", .object([("virtual", string(v.facterVirtual)), ("hypervisorsXen", facterXen)])),
                ("ansible", .object([
                    ("virtualization_type", .string(v.ansibleType)),
                    ("virtualization_role", string(v.ansibleRole)),
                    ("virtualization_tech_guest", strings(v.ansibleTechGuest)),
                    ("virtualization_tech_host", strings(v.ansibleTechHost)),
                ])),
            ])),
            ("cpuidExecutions", .number(cpuidExecutions)),
        ])
    }

    /// The fact document in `format`'s envelope.
    package func facts(format: FactsFormat, identity: GuestIdentity, toolVersion: String) -> JSONValue {
        let document = facts(identity: identity, toolVersion: toolVersion)
        switch format {
        case .ansible: return document
        case .facter: return .object([("xen_detect", document)])
        }
    }
}
