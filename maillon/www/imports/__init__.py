"""One upload → preview → confirm page for every import (the import kit: maillon/core/imports)."""
