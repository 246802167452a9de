print("compat")
