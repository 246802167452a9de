// Module CompatKube: see README.md, "Architecture".
