"""FHIR R4 endpoints: the SAS slot search of the CPTS (issue 6)."""
