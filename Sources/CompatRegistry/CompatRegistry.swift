// Module CompatRegistry: see README.md, "Architecture".
