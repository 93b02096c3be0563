// CPUIDProbe
