print("compat-run")
