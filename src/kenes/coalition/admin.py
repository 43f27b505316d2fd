from django.contrib import admin

from kenes.coalition.models import Branch, ContactPerson, Organisation, Organiser


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ru", "kind", "joined_on", "active")
    list_filter = ("kind", "active")
    search_fields = ("slug", "name_ru", "name_kk")
    inlines = [BranchInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    # Names and phones are encrypted: shown in the form, never searchable or listed.
    list_display = ("id", "branch", "position")
    raw_id_fields = ("branch",)


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "branch")
    raw_id_fields = ("user", "branch")
