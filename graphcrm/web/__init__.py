"""The Flask web app: ``create_app()`` is the app factory.

Routes, one blueprint module each (``auth``, ``dashboard``, ``accounts``, ``history``,
``opportunities``, ``people``, ``interactions``, ``relationships``, ``search``, ``api``,
``admin``, ``audit``, ``transfer``, ``review``); the edit forms are in ``forms``::

    /login, /logout                 sign in / out
    /                               portfolio dashboard (director/admin) or my accounts
    /dashboard/<table>.xlsx         a dashboard table (bids, accounts) as filtered, every page (director/admin)
    /accounts/<id>                  account page: stakeholder table and network
    /accounts/<id>/changes?since=   what changed at the account since a date (default: a week ago)
    /people/<id>/changes, /opportunities/<id>/changes   the account's changes about one person or bid
    /accounts/<id>/as-of, /opportunities/<id>/as-of?date=&compare=   the map as it was (web/asof.py)
    /opportunities/<id>             readiness, gaps, warm paths
    /opportunities/<id>/review.pdf, /accounts/<id>/review.pdf?lang=   the review pack (PDF, two A4 pages)
    /people/<id>                    roles, who knows them, timeline, log an interaction
    /people/<id>/move               a stakeholder left the account or moved to another (web/people.py)
    /changes/<entry>/undo           undo one change from its history (POST; web/undo.py)
    /accounts/new, /accounts/<id>/edit, /accounts/<id>/delete
    /accounts/<id>/people/new, /people/<id>/edit, /people/<id>/delete
    /accounts/<id>/opportunities/new, /opportunities/<id>/edit, /opportunities/<id>/delete
    /opportunities/<id>/competitors/new, /competitors/<id>/edit, /competitors/<id>/delete
    /people/<id>/relationships/new/<ours|competitor|peer>, /opportunities/<id>/roles/new
    /relationships/<type>/<start>/<end>/edit, .../delete
    /interactions/<id>/edit, /interactions/<id>/delete   an interaction (from the person page's timeline)
    /my-week                        my maintenance plan (whom to contact)
    /compliance[.xlsx, .csv]?year=  gifts and interactions flagged in a quiet period (director, admin)
    /scorecard[.xlsx]?period=&from=&to=   the scorecard per account manager (director, admin)
    /interactions/<id>/follow-up    reassign a feedback's follow-up or change its due date
    /admin/users[/new, /<id>/edit, /<id>/password]   users (admin only)
    /admin/audit                    the audit log (admin)
    /search?q=                      accounts and people the user may see
    /api/accounts                   accounts the user may see (JSON)
    /api/portfolio                  portfolio coverage report (JSON; director, admin)
    /api/accounts/<id>              account report (JSON)
    /api/opportunities/<id>         opportunity report (JSON)
    /api/openapi.json               the API's OpenAPI description (public; web/openapi.py)
    /api/v1/accounts, /api/v1/people[/<id>], /api/v1/opportunities, /api/v1/interactions (GET)
                                    lists with paging and updated_since (JSON; web/api.py)
    /api/v1/accounts/<id>/people, /api/v1/people/<id> (PATCH), /api/v1/relationships[/<type>/<start>/<end>],
    /api/v1/opportunities/<id>/roles, /api/v1/interactions   writes for integrations (web/api_changes.py)
    /settings/tokens[/<id>/revoke]  the user's personal API tokens (web/tokens.py)
    /admin/tokens[/<user>/<id>/revoke]   every user's API tokens (admin)
    /import, /import/apply          upload, preview and apply an import (admin, manager)
    /import/templates.zip?lang=     the CSV templates (en or zh headers)
    /import/templates.xlsx          the templates as one workbook (bilingual headers, drop-downs)
    /accounts/<id>/export/<format>  graphml, gexf, json or csv (zip); ?no_pii=1
    /opportunities/<id>/export/<format>
    /people/<id>/forget             erase a person's personal data (admin)
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, current_app, g, has_request_context, redirect, render_template, request, session, url_for
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from graphcrm import model
from graphcrm.analysis.messages import render
from graphcrm.config import DEFAULT_SECRET_KEY, Settings
from graphcrm.errors import ConfigError, Conflict, NotFound, StoreTimeout, StoreUnavailable, ValidationError
from graphcrm.review import MissingFont
from graphcrm.web import openapi
from graphcrm.web.security import init_security

csrf = CSRFProtect()

#: the largest request body accepted (forms, uploads): 8 MB
MAX_REQUEST_BYTES = 8 * 1024 * 1024

#: languages of the UI: English and Simplified Chinese
LANGUAGES = ("en", "zh")

#: words of the analysis results in the UI language, by the code the analysis
#: uses: finding kinds (graphcrm.analysis.coverage.FINDING_KINDS), readiness
#: components, severities and warm-path verbs (its sentences are messages:
#: see the ``say`` filter)
ANALYSIS_WORDS = {
    "empty_buying_center": _l("Nobody in the buying center"),
    "account_unmapped": _l("Nobody recorded at the account"),
    "account_unknown_to_us": _l("Nobody at the account knows us"),
    "missing_role": _l("Buying-center role missing"),
    "no_eb_access": _l("No access to the economic buyer"),
    "no_dm_access": _l("No access to the decision maker"),
    "uncovered_high_influence": _l("Influential stakeholder not covered"),
    "stale_relationship": _l("Relationship going stale"),
    "no_champion": _l("No champion"),
    "weak_champion": _l("Weak champion"),
    "single_threaded": _l("Single-threaded"),
    "single_point_of_failure": _l("Single point of failure"),
    "uncovered_blocker": _l("Blocker nobody works on"),
    "blocker_on_path": _l("Blocker on the champion's path"),
    "competitor_closer": _l("Competitor closer than us"),
    "economic_buyer_access": _l("Economic buyer access"),
    "champion_strength": _l("Champion strength"),
    "buying_role_coverage": _l("Decision process / buying-role coverage"),
    "multi_threading": _l("Multi-threading"),
    "engagement_recency": _l("Engagement recency"),
    "competitive_balance": _l("Competitive relationship balance"),
    "recorded_at_risk": _l("Recorded as at risk"),
    "closing_no_decider": _l("Closing without the decision-maker"),
    "key_people_silent": _l("Key stakeholders not contacted"),
    "recent_loss": _l("Bid lost recently"),
    "satisfaction_falling": _l("Satisfaction falling"),
    "follow_up_overdue": _l("Customer feedback not answered"),
    "detractor_in_buying_center": _l("Detractor in the buying center"),
    "quiet_period": _l("Cannot be closed in the quiet period"),
    "promoter": _l("promoter"),
    "passive": _l("passive"),
    "detractor": _l("detractor"),
    "falling": _l("falling"),
    "rising": _l("rising"),
    "steady": _l("steady"),
    "high": _l("high"),
    "medium": _l("medium"),
    "low": _l("low"),
    "knows": _l("knows"),
    "influences": _l("influences"),
    "is influenced by": _l("is influenced by"),
    "reports to": _l("reports to"),
    "manages": _l("manages"),
    "worked with": _l("worked with"),
}


def select_locale() -> str:
    """The language chosen with /lang/<code>, else the browser's preference."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _request_translations():
    """The request's translations, found once per request: Flask-Babel looks
    them up for every string (13 µs each, hundreds of strings a page)."""
    try:
        environ = request.environ
    except RuntimeError:  # a template rendered outside a request
        return get_translations()
    translations = environ.get("graphcrm.translations")
    if translations is None:
        translations = environ["graphcrm.translations"] = get_translations()
    return translations


@contextmanager
def in_language(lang: str):
    """Templates rendered meanwhile speak ``lang``, whatever the request's
    language (the review pack's ``?lang=``, the command's ``--lang``)."""
    environ = request.environ if has_request_context() else {}
    kept = environ.pop("graphcrm.translations", None)  # the request's, looked up once (above)
    try:
        with force_locale(lang):
            yield
    finally:
        environ.pop("graphcrm.translations", None)
        if kept is not None:
            environ["graphcrm.translations"] = kept


def create_app(test_config: dict | None = None) -> Flask:
    test_config = dict(test_config or {})
    settings = test_config.pop("SETTINGS", None) or Settings.from_env()
    if test_config.get("PRODUCTION") and settings.secret_key == DEFAULT_SECRET_KEY:
        raise ConfigError("refusing to start in production with the default SECRET_KEY: set GRAPHCRM_SECRET_KEY")

    app = Flask(__name__)
    app.url_map.merge_slashes = False  # "//" is not a page: 404 (JSON under /api/), not a redirect
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        GRAPHCRM_SETTINGS=settings,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        # no form or upload needs more; a larger request answers 413 before it is read
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    app.config.update(test_config)
    app.json.ensure_ascii = False  # Chinese names as UTF-8 in pages and JSON (\uXXXX doubled their size)

    csrf.init_app(app)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # as Flask-Babel's, with the lookup once per request
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(get_locale=get_locale, LANGUAGES=LANGUAGES)
    login_manager = LoginManager()
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.init_app(app)

    from graphcrm.web import (
        accounts,
        admin,
        api,
        api_changes,
        asof,
        audit,
        auth,
        compliance,
        dashboard,
        history,
        interactions,
        mapedit,
        merge,
        opportunities,
        paste,
        people,
        relationships,
        review,
        scorecard,
        search,
        tokens,
        transfer,
        undo,
    )

    login_manager.user_loader(auth.load_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        # JSON clients get 401, browsers the login page (back here afterwards)
        if request.path.startswith("/api/"):
            return _signed_out_api()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    for blueprint in (auth.bp, dashboard.bp, accounts.bp, opportunities.bp, people.bp, interactions.bp,
                      relationships.bp, search.bp, api.bp, mapedit.bp, admin.bp, audit.bp, transfer.bp, paste.bp,
                      merge.bp, history.bp, review.bp, asof.bp, scorecard.bp, api_changes.bp, tokens.bp, undo.bp,
                      compliance.bp):
        app.register_blueprint(blueprint)
    tokens.init_token_auth(app, csrf)
    init_security(app)
    audit.record_signed_in_user(app)
    _register_template_helpers(app)
    _register_error_handlers(app)
    return app


def _register_template_helpers(app: Flask) -> None:
    from graphcrm.web import formats
    from graphcrm.web.access import can_create_accounts
    from graphcrm.web.network import STANCE_COLORS

    @app.template_filter("label")
    def label_filter(value, vocabulary: str):
        """An enum value in the UI language: ``{{ p.stance|label('STANCES') }}``."""
        return model.label_text(getattr(model, vocabulary), value, str(get_locale() or "en"))

    @app.template_filter("word")
    def word_filter(word: str) -> str:
        """An analysis word ("knows", "high"...) in the UI language."""
        return str(ANALYSIS_WORDS.get(word, word))

    @app.template_filter("say")
    def say_filter(result: dict, field: str):
        """An analysis sentence in the UI language: ``{{ finding|say('action') }}``.

        Renders the message (code and parameters) the analysis keeps for
        ``result[field]`` in ``result["texts"]`` through the translation
        catalog; a list field gives a list.  Falls back to the English
        sentence when there is no message or its code is unknown."""
        english = result.get(field)
        msg = (result.get("texts") or {}).get(field)
        if msg is None:
            return english
        if isinstance(english, list):
            return [say_text(m, e) for m, e in zip(msg, english, strict=True)]
        return say_text(msg, english)

    app.jinja_env.globals.update(STANCE_COLORS=STANCE_COLORS, can_create_accounts=can_create_accounts)
    app.jinja_env.globals.update(COMPLIANCE_ROLES=model.COMPLIANCE_ROLES)
    formats.register(app)


def say_text(msg: dict, english: str) -> str:
    """One analysis message in the UI language, or ``english`` when its code
    is unknown (see :mod:`graphcrm.analysis.messages`)."""
    lang = str(get_locale() or "en")
    role_label = None if lang == "en" else (lambda role: model.label_text(model.BUYING_ROLES, role, lang))
    try:
        return render(msg, translate=gettext, role_label=role_label)
    except (KeyError, TypeError, ValueError):
        return english


def _error_page(code: int, title, message, *, field: str | None = None):
    """An error as a page, or as ``{"error": ..., "message": ...}`` (plus the
    ``field`` at fault) for the JSON API.

    The page shows who is signed in, which reads the database: when that
    fails (a form's CSRF error while the database is down), the answer is
    the 503 of :func:`_unavailable_page` instead."""
    if request.path.startswith("/api/"):  # problem details (RFC 9457; openapi.Problem)
        body = {"type": "about:blank", "title": str(title), "status": code, "detail": str(message),
                "error": str(title), "message": str(message)}
        if field:
            body["field"] = field
        return body, code
    try:
        current_user._get_current_object()  # loads the signed-in user
    except StoreUnavailable as exc:
        return _unavailable_page(exc)
    return render_template("error.html", code=code, title=str(title), message=str(message)), code


def _signed_out_api():
    """401 of the API: no valid token, no session."""
    body, code = _error_page(401, _l("Sign-in required"), _l(
        "Send a valid API token (Authorization: Bearer …) or sign in. A revoked token, or the token of a "
        "deactivated user, is refused."))
    return body, code, {"WWW-Authenticate": 'Bearer realm="GraphCRM"'}


def _differences(current: dict, sent) -> list[dict]:
    """The fields of a refused change whose stored value differs from the one sent: field, theirs, yours."""
    sent = sent if isinstance(sent, dict) else {}
    return [{"field": k, "theirs": current.get(k), "yours": v} for k, v in sent.items()
            if k != "version" and current.get(k) != v]


def _unavailable_page(e: StoreUnavailable):
    """503 with ``Retry-After``, shown signed out (the user cannot be loaded).

    A request that may write (not GET or HEAD) and timed out is told to
    reload and look: its change was not sent again, but the database may
    still save it (docs/admin/database.md, "When it fails")."""
    current_app.logger.warning("database unavailable: %s", e)
    if g.get("_login_user") is None:
        g._login_user = current_app.login_manager.anonymous_user()
    if isinstance(e, StoreTimeout) and (e.write or request.method not in ("GET", "HEAD")):
        message = _l("The database does not answer; reload to see whether your change was saved.")
    elif isinstance(e, StoreTimeout):
        message = _l("The database does not answer right now. Try again in a moment.")
    else:
        message = _l("The graph database cannot be reached right now. Try again in a moment.")
    body, code = _error_page(503, _l("Database unavailable"), message)
    return body, code, {"Retry-After": "5"}


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(e):
        return _error_page(404, _l("Not found"), _l("This page does not exist, or you do not have access to it."))

    @app.errorhandler(404)
    def http_not_found(e):
        return _error_page(404, _l("Not found"), _l("This page does not exist, or you do not have access to it."))

    @app.errorhandler(403)
    def forbidden(e):
        return _error_page(403, _l("Not allowed"), _l("Your role does not allow this."))

    @app.errorhandler(ValidationError)
    def invalid(e):
        return _error_page(400, _l("Invalid input"), f"{e.field}: {e.message}", field=e.field)

    @app.errorhandler(413)
    def too_large(e):
        return _error_page(413, _l("Request too large"), _l(
            "What you sent is larger than %(mb)s MB. Shorten the text or split the file.",
            mb=MAX_REQUEST_BYTES // (1024 * 1024)))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _error_page(400, _l("Form expired"), _l(
            "The form was missing its security token or it expired. Reload the page and try again."))

    @app.errorhandler(429)
    def too_many(e):
        if g.get("api_token"):
            body, code = _error_page(429, _l("Too many requests"), _l(
                "This token made more than %(limit)s requests. Wait and try again.",
                limit=current_app.config["API_RATE_LIMIT"]))
            return body, code, {"Retry-After": str(g.get("retry_after", 60))}
        return _error_page(429, _l("Too many attempts"), _l(
            "Too many failed sign-in attempts. Wait a minute and try again."))

    @app.errorhandler(Conflict)
    def conflict(e):
        if not request.path.startswith("/api/"):
            return _error_page(409, _l("Changed by someone else"), str(e))
        if request.method != "PATCH":  # the API: what is stored, beside the refusal
            body, code = _error_page(409, _l("Exists already"), str(e))
            return body | {"current": e.current}, code
        body, code = _error_page(412, _l("Changed by someone else"), str(e))  # a change on another version
        return body | {"current": e.current, "changes": _differences(e.current, request.get_json(silent=True))}, code

    @app.errorhandler(401)
    def signed_out(e):
        return _signed_out_api() if request.path.startswith("/api/") else _error_page(
            401, _l("Sign-in required"), _l("Please sign in to open this page."))

    @app.errorhandler(405)
    def wrong_method(e):
        body, code = _error_page(405, _l("Not allowed"), _l("This address does not answer %(method)s.",
                                                            method=request.method))
        return body, code, {"Allow": ", ".join(e.valid_methods)} if e.valid_methods else {}

    @app.errorhandler(428)
    def version_required(e):
        return _error_page(428, _l("Version required"), _l(
            "Say which version you change: send the record's ETag as If-Match, or its version."), field="If-Match")

    @app.after_request
    def problem_media_type(response):
        if response.status_code >= 400 and response.mimetype == "application/json" and request.path.startswith("/api/"):
            response.mimetype = openapi.PROBLEM_JSON
        return response


    @app.errorhandler(StoreUnavailable)
    def unavailable(e):
        return _unavailable_page(e)

    @app.errorhandler(MissingFont)
    def no_font(e):
        current_app.logger.error("review pack: %s", e)
        return _error_page(503, _l("The PDF cannot be made on this server"), str(e))
