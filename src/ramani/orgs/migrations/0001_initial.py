"""Organisations, memberships with a role, coverage areas."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True)),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('short_name', models.CharField(blank=True, max_length=40, verbose_name='short name')),
                ('kind', models.CharField(choices=[('network_administrator', 'Network administrator'), ('partner', 'Partner organisation'), ('research', 'Research institute')], default='partner', max_length=30, verbose_name='kind')),
                ('contact', models.CharField(blank=True, max_length=200, verbose_name='contact')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('synthetic', models.BooleanField(default=False, help_text='Made by `ramani demo`.')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('network_admin', 'Network administrator'), ('manager', 'Organisation manager'), ('field_officer', 'Field officer'), ('analyst', 'Analyst')], max_length=20, verbose_name='role')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='membership', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='orgs.organisation')),
            ],
            options={
                'verbose_name': 'membership',
                'verbose_name_plural': 'memberships',
            },
        ),
        migrations.CreateModel(
            name='Coverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pcode', models.CharField(max_length=12, verbose_name='admin unit pcode')),
                ('categories', models.JSONField(blank=True, default=list, verbose_name='categories')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverage', to='orgs.organisation')),
            ],
            options={
                'verbose_name': 'coverage area',
                'verbose_name_plural': 'coverage areas',
                'constraints': [models.UniqueConstraint(fields=('organisation', 'pcode'), name='orgs_coverage_once')],
            },
        ),
    ]
