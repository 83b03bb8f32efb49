"""Documentation rules: can a newcomer find what the project is and how to run it?"""

from archaudit.rules.base import Rule
from archaudit.rules.documentation import broken_links, no_architecture_docs, no_quick_start, no_readme

RULES: list[Rule] = [no_readme.RULE, no_quick_start.RULE, no_architecture_docs.RULE, broken_links.RULE]
