"""Linked-data publication: resource descriptions, dataset metadata (VoID, DCAT), dumps and the site's pages."""
