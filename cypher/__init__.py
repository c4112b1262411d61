"""The Cypher statements of GraphCRM, installed as package data (graphcrm.cypher)."""
