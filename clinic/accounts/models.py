"""Staff users: e-mail login, roles as groups (DESIGN.md §6). Patients have no account."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("A staff user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # E-mail logins are case-insensitive: "Nurse@Clinic.org" is the same person as "nurse@clinic.org".
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    credentials = models.CharField(
        max_length=40, blank=True, help_text="Shown beside signatures, e.g. RN, MD, NP, PA."
    )
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Can open the Django admin (managers)."
    )
    is_active = models.BooleanField(default=True, help_text="Untick instead of deleting a staff member.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Staff work at one site most days: their home page and day board open on it, the other locations a
    # click away (issue 13: at ten locations the home page built every location's chairs and arrivals).
    works_at = models.ForeignKey(
        "clinic.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="works at",
        help_text="The location their home page and day board open on. Empty: every location on the home page.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        from clinic.accounts.roles import roles_of

        return roles_of(self)


class RoleChange(models.Model):
    """Who gave or took which roles from whom, and when (issue 8: a role change is logged). Append-only."""

    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_changes")
    added = models.JSONField(default=list, blank=True)
    removed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_by} changed the roles of {self.user} at {self.changed_at:%Y-%m-%d %H:%M}"
