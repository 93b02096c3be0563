import CPUIDProbe
import XenInterface

extension ExtensionInventory {
    /// Every decision, from the facts read once.
    init(facts f: GuestFacts) {
        let isPV = f.context == "PV", isHVM = f.context == "HVM"
        let interrupts = f.interrupts
        let platform = f.pci.first(where: \.isXenPlatform)
        var problems = f.unreadable

        // Devices: each disk and NIC by where its sysfs link leads.
        let byName = Dictionary(f.xenbus.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pciByAddress = Dictionary(f.pci.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let devices = f.blockLinks.compactMap {
            IODevice.classify(name: $0.0, deviceClass: .block, link: $0.1, xenbus: byName, pci: pciByAddress)
        } + f.netLinks.compactMap {
            IODevice.classify(name: $0.0, deviceClass: .network, link: $0.1, xenbus: byName, pci: pciByAddress)
        }
        let used = Set(devices.compactMap { $0.xenbus?.name })
        let unattached = f.xenbus.filter { !used.contains($0.name) && $0.driver == nil }

        if !f.hasXenBus {
            problems.append("no \(SysfsPaths.xenBus): the kernel has no xen bus (not on Xen, or built without xenbus), so no PV device can attach")
        }
        for d in f.xenbus {
            let owner = devices.first { $0.xenbus?.name == d.name }.map { " (\($0.name))" } ?? ""
            let state = d.state
            let stateWords = state.map { "\($0.sysfsName) (\($0.number))" } ?? (d.stateText.map { "'\($0)'" } ?? "unreadable")
            if let driver = d.driver, state == .closing || state == .closed {
                problems.append("\(d.name)\(owner): bound to \(driver) but its backend is gone or closing: xenbus state \(stateWords)")
            } else if d.driver == nil {
                problems.append("\(d.name)\(owner): on the xen bus with no frontend driver bound (xenbus state \(stateWords))")
            } else if state != .connected {
                problems.append("\(d.name)\(owner): xenbus state \(stateWords), not Connected (4)")
            }
            if d.driver != nil, d.backendVerdict == .backendGone, let b = d.backend {
                let why = b.path == nil ? "no \(d.nodename ?? "?")/backend node"
                    : b.state.map { "backend state \($0.sysfsName) (\($0.number))" } ?? "no \(b.path ?? "?")/state node"
                problems.append("\(d.name)\(owner): its backend is gone (\(why))")
            }
        }

        let remaining = f.pci.filter { !$0.isXenPlatform && ($0.isStorage || $0.isNetwork) }
        let unplug = UnplugPolicy(cmdline: f.cmdlineValue("xen_emul_unplug"), remaining: remaining)

        // Event channels and their delivery.
        let percpu = interrupts?.lines(withWord: "xen-percpu") ?? []
        let dyn = (interrupts?.lines ?? []).filter { $0.split(separator: " ").contains { $0.hasPrefix("xen-dyn") } }
        let pirq = interrupts?.lines(withWord: "xen-pirq") ?? []
        let hyp = interrupts?.callbackVector
        let platformIRQ = interrupts?.lines(handlerPrefix: "xen-platform-pci").first
        let delivery: EventChannelDelivery
        var deliveryEvidence: [String] = []
        if isPV {
            delivery = .pvUpcall
            deliveryEvidence.append("delivered by PV upcall: Xen calls the kernel's registered event callback (PV guest)")
        } else if let hyp, InterruptsTable.count(hyp) > 0 {
            delivery = .callbackVector
            deliveryEvidence.append("delivered by the callback vector: \(SysfsPaths.interrupts) '\(hyp)'")
        } else if let platformIRQ {
            delivery = .platformPCIInterrupt
            deliveryEvidence.append("delivered by the platform PCI device's interrupt: \(SysfsPaths.interrupts) '\(platformIRQ)'")
        } else {
            delivery = .unknown
        }
        var evtchnOffered: [String] = []
        if f.sysfsIsXen || f.leaves != nil { evtchnOffered.append("every Xen guest has event channels (public/event_channel.h)") }
        if f.feature(XENFEAT.hvm_callback_vector) == true { evtchnOffered.append("callback vector offered: XENFEAT_hvm_callback_vector") }
        if f.leaves?.hvm?.features.contains(.upcallVector) == true {
            evtchnOffered.append("per-vCPU upcall vector offered: XEN_HVM_CPUID_UPCALL_VECTOR (CPUID base+4)")
        }
        if platform != nil { evtchnOffered.append("platform PCI interrupt offered: device \(platform!.ids) at \(platform!.address)") }
        if isPV { evtchnOffered.append("PV upcall (PV guest)") }
        let evtchnUse = percpu.count + dyn.count + pirq.count > 0
        var evtchnEvidence = ["\(SysfsPaths.interrupts): \(percpu.count) xen-percpu, \(dyn.count) xen-dyn, \(pirq.count) xen-pirq lines"]
        evtchnEvidence += deliveryEvidence

        let onXen = f.sysfsIsXen || f.leaves != nil
        var rows: [PVExtension] = []

        // hypercall-page
        var hcAvail: [String] = []
        if let leaves = f.leaves {
            hcAvail.append("CPUID base+2: \(leaves.hypercall.hypercallPages) hypercall page(s), MSR 0x\(String(leaves.hypercall.msrBase, radix: 16))")
        }
        if isPV { hcAvail.append("PV guest: Xen fills the hypercall page at boot") }
        rows.append(PVExtension(
            name: .hypercallPage, available: onXen ? true : nil, availableEvidence: hcAvail,
            inUse: f.sysfsIsXen ? true : nil,
            inUseEvidence: f.sysfsIsXen ? ["/sys/hypervisor is filled through the kernel's hypercalls (drivers/xen/sys-hypervisor.c)"] : []))

        rows.append(PVExtension(name: .eventChannels, available: onXen ? true : nil, availableEvidence: evtchnOffered,
                                inUse: interrupts == nil ? nil : evtchnUse, inUseEvidence: evtchnEvidence))

        // grant-tables
        let connected = f.xenbus.filter { $0.driver != nil && $0.state == .connected }
        let grantDevices = (f.devXen ?? []).filter { $0 == "gntdev" || $0 == "gntalloc" }
        var gntEvidence: [String] = []
        if !connected.isEmpty {
            gntEvidence.append("connected frontends share their rings through grants: \(connected.map(\.name).joined(separator: ", "))")
        }
        if !grantDevices.isEmpty { gntEvidence.append("/dev/xen: \(grantDevices.joined(separator: ", "))") }
        rows.append(PVExtension(
            name: .grantTables, available: onXen ? true : nil,
            availableEvidence: onXen ? ["every Xen guest has a grant table (public/grant_table.h)"] : [],
            inUse: gntEvidence.isEmpty ? nil : true,
            inUseEvidence: gntEvidence.isEmpty ? ["no connected frontend and no grant device: not visible from /proc or /sys"] : gntEvidence))

        // xenstore
        let xenbusIRQ = interrupts?.lines(handlerPrefix: "xenbus").first
        var xsEvidence: [String] = []
        if let xenbusIRQ { xsEvidence.append("\(SysfsPaths.interrupts) '\(xenbusIRQ)'") }
        if !f.xenbus.isEmpty { xsEvidence.append("\(f.xenbus.count) device(s) on \(SysfsPaths.xenBusDevices)") }
        if f.procXen?.contains("xenbus") == true { xsEvidence.append("\(SysfsPaths.procXen)/xenbus") }
        rows.append(PVExtension(
            name: .xenstore, available: onXen ? true : nil,
            availableEvidence: onXen ? ["every Xen guest has a xenstore ring and event channel"] : [],
            inUse: interrupts == nil ? nil : (xenbusIRQ != nil || !f.xenbus.isEmpty), inUseEvidence: xsEvidence))

        // pv-clock
        var clockAvail: [String] = []
        let safe = f.feature(XENFEAT.hvm_safe_pvclock)
        if isPV { clockAvail.append("PV guest: vcpu_time_info in shared info") }
        if let safe, !isPV { clockAvail.append("XENFEAT_hvm_safe_pvclock \(safe ? "set" : "clear")") }
        if f.availableClocksources.contains("xen") { clockAvail.append("'xen' in available_clocksource") }
        rows.append(PVExtension(
            name: .pvClock, available: isPV || safe == true || f.availableClocksources.contains("xen") ? true : (safe == false ? false : nil),
            availableEvidence: clockAvail,
            inUse: f.clocksource.map { $0 == "xen" },
            inUseEvidence: f.clocksource.map { ["current_clocksource: \($0)"] } ?? []))

        // pv-spinlocks
        let spin = interrupts?.lines(handlerPrefix: "spinlock") ?? []
        var spinEvidence: [String] = []
        if !spin.isEmpty { spinEvidence.append("\(spin.count) spinlockN IPI(s) in \(SysfsPaths.interrupts)") } else {
            spinEvidence.append("no spinlockN IPI in \(SysfsPaths.interrupts)")
            if f.cmdline.contains("xen_nopvspin") || f.cmdline.contains("nopvspin") { spinEvidence.append("disabled on the command line") }
            if interrupts?.cpus == 1 { spinEvidence.append("one vCPU: Linux uses no PV spinlocks then (arch/x86/xen/spinlock.c)") }
        }
        rows.append(PVExtension(
            name: .pvSpinlocks, available: onXen ? true : nil,
            availableEvidence: onXen ? ["SCHEDOP_poll on an event channel (every Xen guest)"] : [],
            inUse: interrupts == nil ? nil : !spin.isEmpty, inUseEvidence: spinEvidence))

        // pv-block, pv-net: the frontends need the xen bus; an HVM guest also the platform device.
        func frontendRow(_ name: PVExtensionName, devtype: String, module: String) -> PVExtension {
            var avail: [String] = []
            let available: Bool?
            if isHVM {
                available = platform != nil
                avail.append(platform.map { "Xen platform PCI device \($0.ids) at \($0.address)" } ?? "no Xen platform PCI device (5853:0001): HVM PV drivers cannot attach")
            } else {
                available = f.hasXenBus ? true : (onXen ? false : nil)
                avail.append(f.hasXenBus ? "xen bus: \(SysfsPaths.xenBus)" : "no \(SysfsPaths.xenBus)")
            }
            let ours = f.xenbus.filter { $0.devtype == devtype || $0.name.hasPrefix(devtype + "-") }
            let bound = ours.filter { $0.driver != nil && $0.state == .connected }
            var use: [String] = bound.map { "\($0.name) bound to \($0.driver!) (\(module)), Connected" }
            if bound.isEmpty {
                use.append(ours.isEmpty ? "no \(devtype)-N on \(SysfsPaths.xenBusDevices)"
                                        : "\(ours.map(\.name).joined(separator: ", ")) not bound and Connected")
            }
            if f.xenDrivers.contains(devtype) { use.append("driver \(devtype) registered (\(SysfsPaths.xenBusDrivers))") }
            return PVExtension(name: name, available: available, availableEvidence: avail, inUse: !bound.isEmpty, inUseEvidence: use)
        }
        rows.append(frontendRow(.pvBlock, devtype: "vbd", module: "xen-blkfront"))
        rows.append(frontendRow(.pvNet, devtype: "vif", module: "xen-netfront"))

        // pv-console
        let hvc = interrupts?.lines(handlerPrefix: "hvc_console").first
        rows.append(PVExtension(
            name: .pvConsole, available: onXen ? true : nil,
            availableEvidence: onXen ? ["every Xen guest has a console ring (HVM: HVM_PARAM_CONSOLE_PFN)"] : [],
            inUse: interrupts == nil ? nil : hvc != nil,
            inUseEvidence: [hvc.map { "\(SysfsPaths.interrupts) '\($0)'" } ?? "no hvc_console in \(SysfsPaths.interrupts)"]))

        // balloon
        var balloonEvidence: [String] = []
        if let b = f.balloon {
            balloonEvidence.append("\(SysfsPaths.balloon): target_kb \(b.targetKB ?? "?"), current_kb \(b.currentKB ?? "?")")
        } else {
            balloonEvidence.append("no \(SysfsPaths.balloon)")
        }
        rows.append(PVExtension(
            name: .balloon, available: onXen ? true : nil,
            availableEvidence: onXen ? ["XENMEM_increase/decrease_reservation (every Xen guest)"] : [],
            inUse: f.balloon != nil, inUseEvidence: balloonEvidence))

        // vcpu-hotplug
        rows.append(PVExtension(
            name: .vcpuHotplug, available: onXen ? !isHVM : nil,
            availableEvidence: isHVM ? ["HVM: vCPUs are hot-plugged through emulated ACPI, not xenstore"]
                                     : (onXen ? ["xenstore cpu/N/availability (drivers/xen/cpu_hotplug.c)"] : []),
            inUse: nil, inUseEvidence: ["the kernel's xenstore watch on cpu/ leaves no trace in /proc or /sys"]))

        if isHVM {
            rows.append(PVExtension(
                name: .platformPCI, available: platform != nil,
                availableEvidence: [platform.map { "PCI \($0.ids) at \($0.address)" } ?? "no PCI device 5853:0001"],
                inUse: platform.map { $0.driver != nil } ?? false,
                inUseEvidence: [platform.map { p in p.driver.map { "bound to \($0)" } ?? "no driver bound" } ?? "absent"]))
        }
        if isPV {
            let writable = f.feature(XENFEAT.writable_page_tables)
            rows.append(PVExtension(
                name: .mmuOperations, available: true, availableEvidence: ["PV guest: Xen validates its page tables"],
                inUse: true,
                inUseEvidence: [writable == true ? "XENFEAT_writable_page_tables set: Xen traps and emulates page-table writes"
                                : "page-table updates go through mmu_update/mmuext_op (XENFEAT_writable_page_tables clear)"]))
        }

        self.init(context: f.context, extensions: rows, delivery: delivery,
                  grantTable: .notInSysfs,
                  clocksource: f.clocksource, devices: devices, xenbus: f.xenbus, unattached: unattached,
                  unplug: unplug, verdict: IOVerdict.decide(context: f.context, devices: devices), problems: problems)
    }
}
