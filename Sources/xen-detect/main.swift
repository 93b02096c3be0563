print("Not running on Xen.")
