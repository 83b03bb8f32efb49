"""TS001 ts-domain-imports-infrastructure."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.detect.architecture.typescript import is_hexagonal, layer_of_path, ts_architecture
from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, package_name, resolve_module, ts_facts
from archaudit.rules.base import Rule

# Packages that tie code to a framework or a storage/transport technology. @nestjs/common is left out:
# its DI decorators (@Injectable) are commonly tolerated in a NestJS domain layer.
_TECH = frozenset({"typeorm", "@nestjs/typeorm", "sequelize", "sequelize-typescript", "@nestjs/sequelize",
                   "@prisma/client", "mongoose", "@nestjs/mongoose", "pg", "mysql2", "knex", "ioredis", "redis",
                   "express", "fastify", "koa", "axios", "@nestjs/axios", "bull", "bullmq", "@nestjs/bull",
                   "@nestjs/bullmq", "@nestjs/core", "@nestjs/config", "@nestjs/platform-express",
                   "firebase-admin", "@aws-sdk/client-s3", "aws-sdk"})


def check(repo: Repo) -> Iterator[Hit]:
    """In a hexagonal TypeScript layout (a domain folder next to application/infrastructure folders),
    flags value imports in domain files that resolve to an infrastructure file, or that name a
    framework/storage package (typeorm, Prisma, @nestjs/* except @nestjs/common, HTTP clients,
    queues). Type-only imports and tests are ignored."""
    if not is_hexagonal(repo.derived(ts_architecture)):
        return
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path) or layer_of_path(path)[0] != "domain":
            continue
        for imp in facts["imports"]:
            if imp["type_only"]:
                continue
            target = resolve_module(repo, path, imp["module"])
            if target is not None and layer_of_path(target)[0] == "infrastructure":
                yield Hit(path, imp["line"], Message("Domain code imports the infrastructure module {target}.",
                                                     target=target),
                          key=f"infra:{target}")
            elif target is None and package_name(imp["module"]) in _TECH:
                yield Hit(path, imp["line"], Message("Domain code imports the framework/technology package "
                                                     "'{module}'.",
                                                     module=imp['module']), key=f"pkg:{imp['module']}")


RULE = Rule(
    id="TS001",
    name="ts-domain-imports-infrastructure",
    axis=Axis.MODULARITY,
    severity=Severity.MEDIUM,
    title="TypeScript domain layer depends on infrastructure or a framework",
    impact="The hexagonal boundary is broken: business rules cannot be tested or reused without the ORM, "
           "the framework or the adapter they import, and swapping an adapter means editing the domain.",
    action="Define a port (interface) in the domain and implement it in infrastructure; inject the adapter "
           "through the module's providers instead of importing it.",
    check=check,
    example_bad="// src/domain/jeune.ts\nimport { Repository } from 'typeorm'\n"
                "import { JeuneSqlRepository } from '../infrastructure/jeune.sql-repository'",
    example_good="// src/domain/jeune.ts\nexport interface JeuneRepository { get(id: string): Promise<Jeune> }",
)
