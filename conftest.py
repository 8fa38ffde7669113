"""Suite-wide test settings (the environment is set earlier by qamqor.core.testing.pytest_env)."""


def pytest_configure(config):
    from django.conf import settings

    # Hashing a password properly is slow on purpose; tests need speed, not secrecy.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from qamqor.core.testing.axes_login import let_test_client_login_through_axes

    let_test_client_login_through_axes()
