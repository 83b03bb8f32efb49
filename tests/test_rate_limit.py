"""SEC005 (no rate limiting): an endpoint behind a CAPTCHA is guarded against scripted abuse; the
credential endpoints without one are still listed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

_FLASK = '''from flask import Blueprint, request
from app.ext import captcha

bp = Blueprint("index", __name__)


@bp.route("/login", methods=["POST"])
def login():
    return check(request.form["password"])


@bp.route("/register", methods=["GET", "POST"])
def register():
    if not captcha.validate():
        return "bad captcha", 400
    return create(request.form)
'''

_DJANGO_URLS = '''from django.urls import path
from registration.backends.default.views import RegistrationView
from django.contrib.auth import views as auth_views

from .forms import RegistrationFormWithCaptcha

urlpatterns = [
    path(
        "register/",
        RegistrationView.as_view(form_class=RegistrationFormWithCaptcha),
        name="registration_register",
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
]
'''


def _sec005(root: Path) -> list[str]:
    return [e.ref for f in report_of(root).findings if f.rule == "SEC005" for e in f.evidence]


def test_sec005_a_flask_register_view_validating_a_captcha_is_not_listed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": "", "app/ext.py": "captcha = 1\n",
                          "app/routes.py": _FLASK})
    assert _sec005(tmp_path) == ["app/routes.py:7"]  # /login only


def test_sec005_a_django_registration_view_given_a_captcha_form_is_not_listed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "django==5.0\n", "site/__init__.py": "",
                          "site/settings.py": "ROOT_URLCONF = 'site.urls'\nINSTALLED_APPS = []\n",
                          "site/forms.py": "class RegistrationFormWithCaptcha:\n    pass\n",
                          "site/urls.py": _DJANGO_URLS})
    assert _sec005(tmp_path) == ["site/urls.py:13"]  # login/ only


# ---------------------------------------------------------------- limiters credited or proven inert

def _findings(root: Path, rule: str) -> list[tuple[str, list[str]]]:
    return [(str(f.message), [e.ref for e in f.evidence]) for f in report_of(root).findings if f.rule == rule]


_FASTAPI_MAIN = ("from fastapi import FastAPI\nfrom app import auth\n\n"
                 "app = FastAPI()\napp.include_router(auth.router)\n")
_FASTAPI_AUTH = '''from fastapi import APIRouter

from app.limits import rate_limit

router = APIRouter()


@router.post("/login")
@rate_limit(5)
async def login(body: dict):
    return {}
'''
_REAL_DECORATOR = '''import time
from functools import wraps

from fastapi import HTTPException

HITS: dict[str, list[float]] = {}


def rate_limit(limit: int):
    def decorator(func):
        @wraps(func)
        async def wrapper(*args, **kwargs):
            now = time.monotonic()
            hits = [t for t in HITS.get("k", []) if now - t < 60]
            if len(hits) >= limit:
                raise HTTPException(429)
            HITS["k"] = [*hits, now]
            return await func(*args, **kwargs)
        return wrapper
    return decorator
'''
_NOOP_DECORATOR = '''from functools import wraps


def rate_limit(limit: int):
    def decorator(func):
        @wraps(func)
        async def wrapper(*args, **kwargs):
            return await func(*args, **kwargs)
        return wrapper
    return decorator
'''


def _fastapi(tmp_path: Path, limits: str, extra: dict[str, str] | None = None) -> Path:
    return write_tree(tmp_path, {"requirements.txt": "fastapi==0.110\n", "app/__init__.py": "",
                                 "app/main.py": _FASTAPI_MAIN, "app/auth.py": _FASTAPI_AUTH, "app/limits.py": limits,
                                 **(extra or {})})


def test_sec005_a_rate_limit_decorator_that_only_calls_the_handler_is_not_a_limiter(tmp_path: Path) -> None:
    found = _findings(_fastapi(tmp_path, _NOOP_DECORATOR), "SEC005")
    assert len(found) == 1 and "app/limits.py:4" in found[0][1]
    assert "does nothing" in found[0][0]


def test_sec005_a_rate_limit_decorator_that_counts_requests_is_credited(tmp_path: Path) -> None:
    assert _findings(_fastapi(tmp_path, _REAL_DECORATOR), "SEC005") == []


def test_sec005_a_slowapi_limiter_applied_by_a_decorator_elsewhere_is_credited(tmp_path: Path) -> None:
    limits = "from slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\n" \
             "limiter = Limiter(key_func=get_remote_address)\n"
    auth = _FASTAPI_AUTH.replace("from app.limits import rate_limit", "from app.limits import limiter") \
        .replace("@rate_limit(5)", '@limiter.limit("5/minute")')
    root = _fastapi(tmp_path, limits, {"app/auth.py": auth})
    assert _findings(root, "SEC005") == []


def test_sec005_environment_settings_named_for_rate_limits_are_no_proxy(tmp_path: Path) -> None:
    root = _fastapi(tmp_path, _NOOP_DECORATOR, {".env.example": "RATE_LIMIT_REQUESTS=100\n"})
    assert len(_findings(root, "SEC005")) == 1
    nginx = "http {\n  limit_req_zone $binary_remote_addr zone=login:10m rate=5r/m;\n}\n"
    root = _fastapi(tmp_path, _NOOP_DECORATOR, {"deploy/nginx.conf": nginx})
    assert _findings(root, "SEC005") == []


_NEST_PKG = ('{"name": "api", "dependencies": {"@nestjs/core": "^10", "@nestjs/common": "^10", '
             '"@nestjs/throttler": "^5"}}')
_NEST_MAIN = ("import { NestFactory } from '@nestjs/core'\nimport { AppModule } from './app.module'\n\n"
              "async function bootstrap() {\n  const app = await NestFactory.create(AppModule)\n"
              "  await app.listen(3000)\n}\nbootstrap()\n")
_NEST_MODULE = '''import { Module } from '@nestjs/common'
import { ThrottlerModule } from '@nestjs/throttler'
import { AuthResolver } from './auth.resolver'

@Module({
  imports: [ThrottlerModule.forRoot([{ ttl: 60000, limit: 10 }])],
  providers: [AuthResolver],
})
export class AppModule {}
'''
_NEST_RESOLVER = '''import { Resolver, Mutation, Args } from '@nestjs/graphql'

@Resolver()
export class AuthResolver {
  @Mutation(() => String)
  login(@Args('password') password: string) { return password }
}
'''
_GQL_GUARD = '''import { Injectable } from '@nestjs/common'
import { ThrottlerGuard } from '@nestjs/throttler'

@Injectable()
export class GqlThrottlerGuard extends ThrottlerGuard {}
'''


def test_ts102_a_throttler_module_without_its_guard_throttles_nothing(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": _NEST_PKG, "src/main.ts": _NEST_MAIN,
                                 "src/app.module.ts": _NEST_MODULE, "src/auth.resolver.ts": _NEST_RESOLVER})
    found = _findings(root, "TS102")
    assert [refs for _, refs in found] == [["src/app.module.ts:6"]]
    assert "no ThrottlerGuard is registered" in found[0][0]


def test_ts102_a_guard_extending_throttler_guard_is_credited(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": _NEST_PKG, "src/main.ts": _NEST_MAIN,
                                 "src/app.module.ts": _NEST_MODULE, "src/auth.resolver.ts": _NEST_RESOLVER,
                                 "src/gql-throttler.guard.ts": _GQL_GUARD})
    assert _findings(root, "TS102") == []


_EXPRESS_PKG = '{"name": "api", "dependencies": {"express": "^4", "express-rate-limit": "^7"}}'
_EXPRESS_LIMITS = "import rateLimit from 'express-rate-limit'\n\n" \
                  "export const loginLimiter = rateLimit({ windowMs: 900000, max: 5 })\n"
_EXPRESS_ROUTES = '''import express from 'express'
import { loginLimiter } from '../middleware/rateLimiter.js'
import { authMiddleware } from '../middleware/auth.js'

const router = express.Router()
router.post('/register', register)
router.post('/login', loginLimiter, login)
router.get('/me', authMiddleware, me)
export default router
'''
_EXPRESS_APP = '''import express from 'express'
import users from './routes/users.js'

const app = express()
app.use('/api/users', users)
app.listen(3000)
'''


_EXPRESS_AUTH = "export function authMiddleware(req, res, next) { next() }\n"


def _express(tmp_path: Path, app: str = _EXPRESS_APP, routes: str = _EXPRESS_ROUTES) -> Path:
    return write_tree(tmp_path, {"package.json": _EXPRESS_PKG, "src/index.js": app, "src/routes/users.js": routes,
                                 "src/middleware/rateLimiter.js": _EXPRESS_LIMITS,
                                 "src/middleware/auth.js": _EXPRESS_AUTH})


def test_ts102_a_credential_route_left_without_the_per_route_limiter_is_reported(tmp_path: Path) -> None:
    report = report_of(_express(tmp_path))
    found = [f for f in report.findings if f.rule == "TS102"]
    assert [[e.ref for e in f.evidence] for f in found] == [["src/routes/users.js:6", "src/routes/users.js:7"]]
    assert "POST /api/users/register" in str(found[0].message) and "loginLimiter" in str(found[0].message)
    section = next(s for s in report.sections if s.key == "ts_backend")
    texts = [str(f.text) for f in section.facts]
    assert any("POST /api/users/login (loginLimiter) limited; not limited: POST /api/users/register" in t
               for t in texts)
    assert any("1 behind a guard" in t for t in texts)  # /me only: a limiter is not an auth guard


def test_ts102_a_limiter_given_to_use_may_cover_every_route(tmp_path: Path) -> None:
    app = _EXPRESS_APP.replace("app.use('/api/users', users)",
                               "app.use(loginLimiter)\napp.use('/api/users', users)") \
        .replace("import users", "import { loginLimiter } from './middleware/rateLimiter.js'\nimport users")
    assert _findings(_express(tmp_path, app=app), "TS102") == []


def test_ts102_a_limiter_consumed_inside_a_handler_is_not_tied_to_routes(tmp_path: Path) -> None:
    routes = _EXPRESS_ROUTES.replace("router.post('/register', register)",
                                     "router.post('/register', async (req, res) => { await limiter.consume(req.ip) })")
    assert _findings(_express(tmp_path, routes=routes), "TS102") == []


_SLOWAPI_AUTH = '''from fastapi import APIRouter, Request

from app.limits import limiter

router = APIRouter()


@router.post("/register")
async def register(request: Request):
    return {}


@router.post("/login")
@limiter.limit("5/minute")
async def login(request: Request):
    return {}
'''
_SLOWAPI_LIMITS = ("from slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\n"
                   "limiter = Limiter(key_func=get_remote_address)\n")
_SLOWAPI_MAIN = '''from fastapi import FastAPI
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded

from app import auth
from app.limits import limiter

app = FastAPI()
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)
app.include_router(auth.router)
'''


def test_sec005_a_python_credential_route_left_without_the_per_route_limiter_is_reported(tmp_path: Path) -> None:
    root = _fastapi(tmp_path, _SLOWAPI_LIMITS, {"app/main.py": _SLOWAPI_MAIN, "app/auth.py": _SLOWAPI_AUTH})
    report = report_of(root)
    found = [f for f in report.findings if f.rule == "SEC005"]
    assert [[e.ref for e in f.evidence] for f in found] == [["app/auth.py:8", "app/auth.py:13"]]
    assert "POST /register" in str(found[0].message) and "limiter.limit" in str(found[0].message)
    api = next(s for s in report.sections if s.key == "api")
    assert any("POST /login (limiter.limit) limited; not limited: POST /register" in str(f.text) for f in api.facts)


def test_sec005_default_limits_may_cover_every_route(tmp_path: Path) -> None:
    limits = _SLOWAPI_LIMITS.replace("key_func=get_remote_address", 'key_func=get_remote_address, '
                                     'default_limits=["100/minute"]')
    root = _fastapi(tmp_path, limits, {"app/main.py": _SLOWAPI_MAIN, "app/auth.py": _SLOWAPI_AUTH})
    assert _findings(root, "SEC005") == []
