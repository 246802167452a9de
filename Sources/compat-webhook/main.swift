print("compat-webhook")
