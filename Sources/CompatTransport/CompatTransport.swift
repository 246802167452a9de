// Module CompatTransport: see README.md, "Architecture".
