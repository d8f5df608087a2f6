"""The dossier pages' routes register on import (see the modules imported below)."""
