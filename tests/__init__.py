"""Tests of the OVH SMS integration."""
