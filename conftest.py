"""Suite-wide test settings (the environment is set earlier by qamqor.core.testing.pytest_env)."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Hashing a password properly is slow on purpose; tests need speed, not secrecy.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from qamqor.core.testing.axes_login import let_test_client_login_through_axes
    from qamqor.core.testing.second_factor import MARKER, let_test_client_pass_second_factor

    let_test_client_login_through_axes()
    # The test client's login completes the second factor too (qamqor/core/testing/second_factor.py).
    let_test_client_pass_second_factor()
    config.addinivalue_line(
        "markers", f"{MARKER}: the test client's login stops after the password (qamqor/core/testing/second_factor.py)"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures: they may log people in too."""
    from qamqor.core.testing.second_factor import MARKER, complete_at_login

    complete_at_login(item.get_closest_marker(MARKER) is None)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    from qamqor.core.testing.second_factor import complete_at_login

    complete_at_login(True)
