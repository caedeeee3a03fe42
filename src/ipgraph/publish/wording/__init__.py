"""The interface wording in Vietnamese and English, one module per page family.

:mod:`ipgraph.publish.i18n` assembles these into the one catalogue behind :func:`ipgraph.publish.i18n.message`;
each family's keys carry its prefix so no two families claim the same key.
"""
