from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory
from core.scoping import ScopedQuerySet


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROVINCE = "province", _("Provincial officer")
    DISTRICT = "district", _("District staff")
    COMMUNE = "commune", _("Commune staff")
    # Sees their unit like a provincial officer; writes only the reports of their own visits.
    CADRE = "cadre", _("Cadre attending meetings")


# Roles that may create and change data inside their area (SPEC section 4).
EDITOR_ROLES = frozenset({Role.DISTRICT, Role.COMMUNE})
# Roles that may assign cadres to branches and publish orientation notes in their area.
DIRECTING_ROLES = frozenset({Role.ADMIN, Role.PROVINCE, Role.DISTRICT, Role.COMMUNE})
# Roles that may approve yearly ratings.
APPROVER_ROLES = frozenset({Role.ADMIN, Role.PROVINCE})


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account with a role and the area whose subtree it may see."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.DISTRICT)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees and changes only what lies in this area."),
    )
    # The name and position that sign the documents the user prints or downloads.
    full_name = models.CharField(
        _("full name"), max_length=100, blank=True, help_text=_("As it is signed: “Nguyễn Thị Thu Hà”.")
    )
    position = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("For example “Phó Bí thư Đoàn xã Thanh Bình”.")
    )

    objects = ScopedUserManager()
    # Role and area changes are recorded; the password hash and login times are not.
    history = AuditHistory(excluded_fields=["password", "last_login"])
    scope_path = "area__path"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(area__isnull=False),
                name="user_scoped_role_has_area",
                violation_error_message=_("Every role except administrator needs an area."),
            ),
        ]

    @classmethod
    def scope_q(cls, path: str) -> Q:
        return Q(area__path__startswith=path)

    @property
    def signature_name(self) -> str:
        """The name that signs the user's documents: the full name, else first and last name, else the login."""
        return self.full_name.strip() or self.get_full_name() or self.get_username()

    @property
    def has_role(self) -> bool:
        return self.role in Role.values

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def can_edit(self) -> bool:
        return self.sees_everything or self.role in EDITOR_ROLES

    @property
    def is_cadre(self) -> bool:
        return self.role == Role.CADRE

    @property
    def can_direct(self) -> bool:
        return self.is_superuser or self.role in DIRECTING_ROLES

    @property
    def can_approve(self) -> bool:
        return self.is_superuser or self.role in APPROVER_ROLES
