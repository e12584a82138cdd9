# Fuzz targets: make fuzz.
fuzz:
	@echo "no fuzz targets yet"
